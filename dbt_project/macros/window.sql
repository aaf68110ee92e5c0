{#- The partition window (inclusive): Dagster sets WUDU_MIN_DAY / WUDU_MAX_DAY for each run; by hand,
    --vars '{"min_day": "...", "max_day": "..."}' works too (the environment wins when both are set).
    Read only at execution (`execute`): dbt re-parses the whole project when --vars change or when
    an env var it saw while parsing changes (11 s instead of 5 a run, docs/benchmarks.md), so parsing sees the
    project defaults and the partial parse stays valid from one night to the next. -#}
{% macro window_day(name) -%}
    {%- if execute -%}{{ env_var('WUDU_' ~ (name | upper), var(name)) }}{%- else -%}{{ var(name) }}{%- endif -%}
{%- endmacro %}

{% macro min_day() -%}
    cast('{{ window_day("min_day") }}' as date)
{%- endmacro %}

{% macro max_day() -%}
    cast('{{ window_day("max_day") }}' as date)
{%- endmacro %}

{% macro in_window(column) -%}
    ({{ column }} between {{ min_day() }} and {{ max_day() }})
{%- endmacro %}

{#- The one place the daily facts de-duplicate: a staging model's rows of the window, one per
    natural key and landing day (the latest load, then the last record of the file). The loader
    already quarantines in-file duplicates; this keeps a fact unique when a day was landed twice. -#}
{% macro window_rows(model, key) -%}
    {{ first_per_group(ref(model), key + ['partition_day'], ['loaded_at', 'source_row_number', 'source_file'],
                       where=in_window('partition_day')) }}
{%- endmacro %}

{#- A fact's rows with the teacher version valid on their landing day; the district is the teacher's. -#}
{% macro with_teacher_version(relation) -%}
    select
        s.*,
        coalesce(t.district_id, {{ default_district() }}) as district_id,
        t.teacher_key,
        t.teacher_version_key
    from {{ relation }} s
    left join {{ ref('dim_teacher') }} t
        on t.teacher_id = s.teacher_id and {{ valid_version('t', 's.partition_day') }}
{%- endmacro %}
