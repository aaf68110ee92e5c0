{#-
  Slowly changing dimension (type 2) from the daily snapshots, by change detection over the runs of a
  snapshot kept as its changes (macros/snapshot_changes.sql): a new version starts on the first
  snapshot day whose tracked attributes differ from the entity's previous snapshot.
    valid_from = first snapshot day of the version
    valid_to   = the day before the next version starts; for the last version 9999-12-31 when the
                 entity is in the latest snapshot, else its last snapshot day (it left the roster).
  An entity missing from some snapshots and back with the same attributes keeps one version.
  One row per entity and day: the loader's duplicate_key rule, checked in staging (snapshot_changes).
  `where` filters the snapshots' rows (e.g. role = 'student'): a run is a stretch of snapshots with
  the same content, so filtering runs filters the same snapshots.
-#}
{% macro scd2_from_snapshots(changes, snapshot_model, key, tracked, where=none) -%}
    with runs as (
        select
            {{ key }} as entity_id,
            first_listed_day,
            last_listed_day,
            latest_snapshot_day,
            {%- for c in tracked %}
            {{ c }},
            {%- endfor %}
            md5(concat_ws('|'
                {%- for c in tracked %}, coalesce(cast({{ c }} as string), '<null>'){% endfor -%}
            )) as attr_hash
        from ({{ snapshot_runs(ref(changes), ref(snapshot_model), key) }}) r
        {% if where %}where {{ where }}{% endif %}
    ),
    changes as (
        select
            *,
            lag(attr_hash) over (partition by entity_id order by first_listed_day) as prev_hash,
            max(last_listed_day) over (partition by entity_id) as last_seen_day
        from runs
    ),
    starts as (
        select * from changes
        where prev_hash is null or prev_hash <> attr_hash
    )
    select
        s.entity_id,
        {%- for c in tracked %}
        s.{{ c }},
        {%- endfor %}
        s.first_listed_day as valid_from,
        coalesce(
            lead(s.first_listed_day) over (partition by s.entity_id order by s.first_listed_day) - 1,
            case when s.last_seen_day = s.latest_snapshot_day then date '9999-12-31' else s.last_seen_day end
        ) as valid_to,
        row_number() over (partition by s.entity_id order by s.first_listed_day) as version_number,
        lead(s.first_listed_day) over (partition by s.entity_id order by s.first_listed_day) is null as is_last_version,
        s.last_seen_day,
        s.latest_snapshot_day
    from starts s
{%- endmacro %}

{#-
  Join condition picking the one version of an SCD2 dimension valid on a day. Events before
  an entity's first snapshot attach to its first version and events after its last snapshot to its
  last version, so every event finds exactly one version (versions are contiguous).
-#}
{% macro valid_version(dim, day) -%}
    ({{ day }} >= case when {{ dim }}.version_number = 1 then date '1900-01-01' else {{ dim }}.valid_from end
     and {{ day }} <= case when {{ dim }}.is_last_version then date '9999-12-31' else {{ dim }}.valid_to end)
{%- endmacro %}

{#- The tenant used when a row names no school: the smallest district org id. -#}
{% macro default_district() -%}
    (select min(org_id) from {{ ref('int_orgs') }} where org_type = 'district')
{%- endmacro %}

{#- First integer in a OneRoster grades string ('07', '7', '07,08'); NULL for KG/none. -#}
{% macro parse_grade(col) -%}
    try_cast(nullif(regexp_extract({{ col }}, '([0-9]+)', 1), '') as integer)
{%- endmacro %}

{#- Latest record per key across daily snapshots. -#}
{% macro latest_per_key(relation, key) -%}
    select
        latest.*,
        (select max(partition_day) from {{ relation }}) as latest_snapshot_day
    from (
        {{ first_per_group(relation, [key], ['partition_day', 'loaded_at', 'source_row_number', 'source_file']) }}
    ) latest
{%- endmacro %}

{#- The whole row that ranks first in each group of `partition_by` when ordered by `order_by`, every
    column descending (NULL last); `where` filters the rows first. Only the groups of more than one
    row are ranked (found by a grouped count, which spills to disk), on the group and order columns
    only; the rows that rank below the first are dropped from the whole rows by an anti join
    (NULL-safe). Ranking every row ran out of DuckDB's 1 GB on a 33-day city window (84M statements),
    and ranking whole rows sorts every column — fct_xapi_statements on a city day's 3.4M statements
    took 18.9 s that way (docs/benchmarks.md). Rows tied on every order column are all kept; the
    order columns must tell any two rows of a group apart (the loader's file and record number do). -#}
{% macro first_per_group(relation, partition_by, order_by, where=none) -%}
    {%- set cols = partition_by + order_by -%}
    {%- set rows -%}from {{ relation }}{% if where %} where {{ where }}{% endif %}{%- endset -%}
    select r.*
    from (select * {{ rows }}) r
    anti join (
        select {{ cols | join(', ') }}
        from (select {{ cols | join(', ') }} {{ rows }}) x
        semi join (
            select {{ partition_by | join(', ') }}
            {{ rows }}
            group by {{ partition_by | join(', ') }}
            having count(*) > 1
        ) shared on {% for c in partition_by %}x.{{ c }} is not distinct from shared.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
        qualify rank() over (
            partition by {{ partition_by | join(', ') }}
            order by {{ order_by | join(' desc, ') }} desc
        ) > 1
    ) loser on {% for c in cols %}r.{{ c }} is not distinct from loser.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
{%- endmacro %}
