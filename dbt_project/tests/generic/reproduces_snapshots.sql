{#-
  A snapshot kept as its changes (macros/snapshot_changes.sql) must give back every snapshot of the
  run's window exactly: for each snapshot day in the window, the keys whose runs cover that day, with
  their content, are the snapshot's rows (the latest load of each key). Fails with each row missing,
  extra or different and the day; fix with a full refresh of the changes model
  (`dbt build --full-refresh --select <model>`) and report the case — the changes logic missed it.
-#}
{% test reproduces_snapshots(model, snapshot, key) %}
{%- set columns = snapshot_content_columns(snapshot, key) -%}
with days as (
    select distinct partition_day as snapshot_day from {{ snapshot }} where {{ in_window('partition_day') }}
),
expected as (
    select {{ key }}, partition_day as snapshot_day{% for c in columns %}, {{ c }}{% endfor %}
    from ({{ first_per_group(snapshot, [key, 'partition_day'], ['loaded_at', 'source_row_number', 'source_file'],
                             where=in_window('partition_day')) }}) latest_load
),
rebuilt as (
    select r.{{ key }}, d.snapshot_day{% for c in columns %}, r.{{ c }}{% endfor %}
    from ({{ snapshot_runs(model, snapshot, key) }}) r
    join days d on d.snapshot_day between r.first_listed_day and r.last_listed_day
)
select 'in the snapshot, not rebuilt from the changes' as problem, m.*
from (select * from expected except select * from rebuilt) m
union all
select 'rebuilt from the changes, not in the snapshot' as problem, x.*
from (select * from rebuilt except select * from expected) x
{% endtest %}
