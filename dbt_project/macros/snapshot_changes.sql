{#-
  The roster arrives as a full snapshot every day (a city: 1.0M users, 3.6M enrollments) and the raw
  tables keep each day's. Models that read every snapshot grow with the days held (≈ 3 s a night per
  city day held, docs/benchmarks.md "Roster snapshots"). The two big snapshots are kept once more as
  their changes: for each snapshot day, the keys that are new or back (`listed`), whose content
  differs from the previous snapshot held (`changed`) or that are missing from it (`gone`). Every
  snapshot can be rebuilt from them (the data test `reproduces_snapshots` does so for the window's
  days), and the models that ranked every snapshot read the changes instead.

  A day's changes depend on its snapshot and the previous one held, so a run for the window
  [min_day, max_day] reads from the last snapshot before the window to the first one after it and
  replaces the changes of the window's days and of that next snapshot day (whose previous snapshot
  may have changed): `snapshot_window` gives those days, the incremental strategy `replace_window`
  deletes through `replace_through` when the model's config names its snapshot (`snapshot_of`).
-#}

{#- At execution: the snapshot days around the window. read_from: the last snapshot day before the
    window (else min_day); replace_through: the first snapshot day after it (else max_day). Plain dates,
    so DuckDB prunes the raw table's row groups by their min/max instead of scanning every snapshot. -#}
{% macro snapshot_window(relation) -%}
    {%- set around = {"read_from": min_day(), "replace_through": max_day()} -%}
    {%- if execute -%}
        {%- set row = run_query(
            "select cast(max(case when partition_day < " ~ min_day() ~ " then partition_day end) as string),"
            ~ " cast(min(case when partition_day > " ~ max_day() ~ " then partition_day end) as string)"
            ~ " from " ~ relation).rows[0] -%}
        {%- if row[0] -%}{%- do around.update({"read_from": "cast('" ~ row[0] ~ "' as date)"}) -%}{%- endif -%}
        {%- if row[1] -%}{%- do around.update({"replace_through": "cast('" ~ row[1] ~ "' as date)"}) -%}{%- endif -%}
    {%- endif -%}
    {{ return(around) }}
{%- endmacro %}

{#- The columns of a snapshot that are its content: all but the key and the loader's bookkeeping
    (known at execution; empty while parsing). -#}
{% macro snapshot_content_columns(relation, key) -%}
    {%- set bookkeeping = ["partition_day", "source_file", "source_row_number", "loaded_at", key] -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for c in adapter.get_columns_in_relation(relation) if c.name | lower not in bookkeeping -%}
            {%- do columns.append(c.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The changes of a snapshot model keyed by `key` (one row per key and snapshot day that changed;
    the content columns as of that day, NULL on `gone`). Content = every column but the loader's
    bookkeeping. A snapshot holds one row per key and day: the loader quarantines a second record of a
    key within a day (duplicate_key, also across two files) and replaces a re-landed day whole; the
    staging model's `unique_combination` test checks it for the window's days (resolving duplicates here
    tripled the model's time, docs/benchmarks.md). A full build (first run, --full-refresh, Spark)
    compares every snapshot held. -#}
{% macro snapshot_changes(model, key) -%}
    {%- set relation = ref(model) -%}
    {%- set columns = snapshot_content_columns(relation, key) -%}
    {%- set incremental = is_incremental() -%}
    {%- set around = snapshot_window(relation) if incremental else none -%}
    {%- set read = ("partition_day between " ~ around.read_from ~ " and " ~ around.replace_through) if incremental else "1 = 1" -%}
    {%- set held = [] -%}
    {%- if execute and incremental -%}
        {%- for row in run_query("select distinct cast(partition_day as string) from " ~ relation ~ " where " ~ read ~ " order by 1").rows -%}
            {%- do held.append(row[0]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set written = held | select(">=", window_day("min_day") | trim) | list -%}
    {%- if written | length == 1 -%}
        {#- a night: one snapshot compared with the one before it, by a join of the two (2.5× faster
            than the sequence below at city scale) -#}
        {%- set before = held[held.index(written[0]) - 1] if held.index(written[0]) > 0 else none -%}
        {{ snapshot_changes_of_a_day(relation, key, columns, written[0], before) }}
    {%- else -%}
        {{ snapshot_changes_in_sequence(relation, key, columns, read, around) }}
    {%- endif -%}
{%- endmacro %}

{#- The changes of one snapshot day `day` against the snapshot day `before` (none: the first held). -#}
{% macro snapshot_changes_of_a_day(relation, key, columns, day, before) -%}
{%- if before is none %}
select {{ key }}, partition_day as snapshot_day, cast(null as date) as compared_day, 'listed' as change
    {%- for c in columns %}, {{ c }}{% endfor %}
from {{ relation }}
where partition_day = cast('{{ day }}' as date)
{%- else %}
select
    coalesce(t.{{ key }}, b.{{ key }}) as {{ key }},
    cast('{{ day }}' as date) as snapshot_day,
    cast('{{ before }}' as date) as compared_day,
    case when b.{{ key }} is null then 'listed' when t.{{ key }} is null then 'gone' else 'changed' end as change
    {%- for c in columns %},
    t.{{ c }}
    {%- endfor %}
from (select * from {{ relation }} where partition_day = cast('{{ day }}' as date)) t
full join (select * from {{ relation }} where partition_day = cast('{{ before }}' as date)) b on b.{{ key }} = t.{{ key }}
where {{ rows_differ('t', 'b', key, columns) }}
{%- endif %}
{%- endmacro %}

{#- The changes of every snapshot day read (`read`: a predicate on partition_day) — a full build or
    a window of several days. Each key's rows in day order, narrow (key, day number, a hash of the
    content): a sort that spills to disk when a backfill compares many snapshots (joining whole
    snapshots to each other in one statement ran out of memory); the content is joined back for the
    changed rows only. With `around` (an incremental run), only the days from min_day on are written. -#}
{% macro snapshot_changes_in_sequence(relation, key, columns, read, around) -%}
with days as (
    select snapshot_day, row_number() over (order by snapshot_day) as day_number
    from (select distinct partition_day as snapshot_day from {{ relation }} where {{ read }}) held
),
sequenced as (
    select
        s.{{ key }},
        d.day_number,
        lag(d.day_number) over by_key as previous_number,
        lag({{ wudu_row_hash(columns) }}) over by_key as previous_hash,
        {{ wudu_row_hash(columns) }} as content_hash,
        lead(d.day_number) over by_key as next_number
    from (select * from {{ relation }} where {{ read }}) s
    join days d on d.snapshot_day = s.partition_day
    window by_key as (partition by s.{{ key }} order by d.day_number)
),
changes as (
    -- listed (first held, or back after missing) or changed, on its own day
    select {{ key }}, day_number,
        case when previous_number = day_number - 1 then 'changed' else 'listed' end as change
    from sequenced
    where previous_number is null or previous_number < day_number - 1 or previous_hash <> content_hash
    union all
    -- gone: missing from the next snapshot held
    select {{ key }}, day_number + 1 as day_number, 'gone' as change
    from sequenced
    where next_number > day_number + 1
       or (next_number is null and day_number < (select max(day_number) from days))
)
select
    c.{{ key }},
    d.snapshot_day,
    p.snapshot_day as compared_day,
    c.change
    {%- for col in columns %},
    s.{{ col }}
    {%- endfor %}
from changes c
join days d on d.day_number = c.day_number
left join days p on p.day_number = c.day_number - 1
left join (select * from {{ relation }} where {{ read }}) s
    on c.change <> 'gone' and s.{{ key }} = c.{{ key }} and s.partition_day = d.snapshot_day
{% if around %}where d.snapshot_day between {{ min_day() }} and {{ around.replace_through }}{% endif %}
{%- endmacro %}

{#- SQL predicate: row `a` and row `b` of a full join on `key` differ — one is missing, or a content
    column is distinct (NULL-safe). -#}
{% macro rows_differ(a, b, key, columns) -%}
    ({{ a }}.{{ key }} is null or {{ b }}.{{ key }} is null
    {%- for c in columns %}
        or {{ a }}.{{ c }} is distinct from {{ b }}.{{ c }}
    {%- endfor %})
{%- endmacro %}

{#- The runs of a changes relation: one row per key and stretch of snapshots listing it unchanged —
    its content, first_listed_day and last_listed_day (the snapshot before the key's next change,
    else the latest snapshot) — and latest_snapshot_day of the snapshot relation. `content`: what of
    each change row the runs carry (default all; it must keep snapshot_day, compared_day and change):
    a narrow select keeps the sort by key narrow. -#}
{% macro snapshot_runs(changes, snapshot, key, content='*') -%}
    select
        c.*,
        c.snapshot_day as first_listed_day,
        coalesce(c.next_compared_day, l.latest_snapshot_day) as last_listed_day,
        l.latest_snapshot_day
    from (
        select
            {{ content }},
            lead(compared_day) over by_key as next_compared_day,
            lead(change) over by_key as next_change,
            lead(change, 2) over by_key as change_after_next
        from {{ changes }}
        window by_key as (partition by {{ key }} order by snapshot_day)
    ) c
    cross join (select max(partition_day) as latest_snapshot_day from {{ snapshot }}) l
    where c.change <> 'gone'
{%- endmacro %}

{#- latest_per_key for a snapshot kept as changes: each key's last run, partition_day = the last
    snapshot day listing it (what latest_per_key's row carries). The last run is the last row that is
    not `gone`: the key's last row, or the one before a final `gone` — found in the same window pass
    as the run's end (ranking again took a second sort of every key). -#}
{% macro latest_from_changes(changes, snapshot_model, key) -%}
    select r.*, r.last_listed_day as partition_day
    from ({{ snapshot_runs(ref(changes), ref(snapshot_model), key) }}) r
    where r.next_change is null or (r.next_change = 'gone' and r.change_after_next is null)
{%- endmacro %}
