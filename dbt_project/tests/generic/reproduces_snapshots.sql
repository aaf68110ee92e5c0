{#-
  A snapshot kept as its changes (macros/snapshot_changes.sql) must give back every snapshot of the
  run's window exactly: for each snapshot day in the window, the keys whose runs cover that day, with
  their content, are the snapshot's rows. Fails with each key and day missing, extra or different;
  fix with a full refresh of the changes model (`dbt build --full-refresh --select <model>`) and report
  the case — the change detection missed it. After nights on the Spark engine (whose changes live in
  Spark) the DuckDB changes lack those days and fail here: the same full refresh mends them.

  Two passes, so that a backfill's window fits in the build's memory cap (rebuilding 33 city
  snapshots, 189M rows, and joining them with the landed ones ran out of DuckDB's 1 GB):
  1. each day's row count and sum of row hashes on both sides — the landed snapshot grouped by day;
     the runs (narrow: key, days, hash) grouped by their first and last day and summed over the
     window's days they cover, so no run is repeated per day. Two days agree while differing only on
     a hash collision (≈ 2⁻⁶⁴).
  2. only for the days that differ, the row-by-row comparison that names the keys (their dates
     written into the SQL, so the scan skips the other days).
-#}
{% test reproduces_snapshots(model, snapshot, key) %}
{%- set columns = snapshot_content_columns(snapshot, key) -%}
{%- set row_hash = "cast(" ~ wudu_row_hash([key] + columns) ~ " as decimal(38, 0))" -%}
{%- set differing = [] -%}
{%- if execute -%}
    {%- set fingerprints -%}
with expected_days as (
    select partition_day as snapshot_day, count(*) as n_rows, sum({{ row_hash }}) as hash_sum
    from {{ snapshot }}
    where {{ in_window('partition_day') }}
    group by partition_day
),
runs_by_span as (
    select first_listed_day, last_listed_day, count(*) as n_rows, sum(row_hash) as hash_sum
    from ({{ snapshot_runs(model, snapshot, key, content=key ~ ', snapshot_day, compared_day, change, ' ~ row_hash ~ ' as row_hash') }}) r
    group by first_listed_day, last_listed_day
),
rebuilt_days as (
    select d.snapshot_day, sum(s.n_rows) as n_rows, sum(s.hash_sum) as hash_sum
    from expected_days d
    join runs_by_span s on d.snapshot_day between s.first_listed_day and s.last_listed_day
    group by d.snapshot_day
)
select cast(e.snapshot_day as string)
from expected_days e
left join rebuilt_days r on r.snapshot_day = e.snapshot_day
where r.n_rows is distinct from e.n_rows or r.hash_sum is distinct from e.hash_sum
order by 1
    {%- endset -%}
    {%- for row in run_query(fingerprints).rows -%}
        {%- do differing.append("cast('" ~ row[0] ~ "' as date)") -%}
    {%- endfor -%}
{%- endif -%}
{%- if differing %}
with expected as (
    select {{ key }}, partition_day as snapshot_day{% for c in columns %}, {{ c }}{% endfor %}
    from {{ snapshot }}
    where partition_day in ({{ differing | join(', ') }})
),
rebuilt as (
    select r.{{ key }}, d.snapshot_day{% for c in columns %}, r.{{ c }}{% endfor %}
    from ({{ snapshot_runs(model, snapshot, key) }}) r
    join (select distinct snapshot_day from expected) d on d.snapshot_day between r.first_listed_day and r.last_listed_day
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
{%- else %}
-- every day of the window agrees (pass 1): no row to name
select {{ key }}, snapshot_day, cast(null as string) as problem
from {{ model }}
where 1 = 0
{%- endif %}
{% endtest %}
