{#-
  A snapshot kept as its changes (macros/snapshot_changes.sql) must give back every snapshot of the
  run's window exactly: for each snapshot day in the window, the keys whose runs cover that day, with
  their content, are the snapshot's rows. Fails with each key and day missing, extra or different;
  fix with a full refresh of the changes model (`dbt build --full-refresh --select <model>`) and report
  the case — the change detection missed it. After nights on the Spark engine (whose changes live in
  Spark) the DuckDB changes lack those days and fail here: the same full refresh mends them.
-#}
{% test reproduces_snapshots(model, snapshot, key) %}
{%- set columns = snapshot_content_columns(snapshot, key) -%}
with expected as (
    select {{ key }}, partition_day as snapshot_day{% for c in columns %}, {{ c }}{% endfor %}
    from {{ snapshot }}
    where {{ in_window('partition_day') }}
),
days as (
    select distinct snapshot_day from expected
),
rebuilt as (
    select r.{{ key }}, d.snapshot_day{% for c in columns %}, r.{{ c }}{% endfor %}
    from ({{ snapshot_runs(model, snapshot, key) }}) r
    join days d on d.snapshot_day between r.first_listed_day and r.last_listed_day
)
select
    coalesce(e.{{ key }}, r.{{ key }}) as {{ key }},
    coalesce(e.snapshot_day, r.snapshot_day) as snapshot_day,
    case
        when r.{{ key }} is null then 'in the snapshot, not rebuilt from the changes'
        when e.{{ key }} is null then 'rebuilt from the changes, not in the snapshot'
        else 'rebuilt from the changes with other values'
    end as problem
from expected e
full join rebuilt r on r.{{ key }} = e.{{ key }} and r.snapshot_day = e.snapshot_day
where {{ rows_differ('e', 'r', key, columns) }}
{% endtest %}
