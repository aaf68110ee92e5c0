{#- One row per step from start to end (inclusive), as a select-list expression: use it as the only
    set-returning expression of a select, e.g. `select {{ wudu_date_series('a', 'b', 'day') }} as d from t`.
    DuckDB unnests generate_series; Spark explodes sequence (no table-valued generate_series there). -#}
{% macro wudu_date_series(start, end, step) -%}
    {{ return(adapter.dispatch('wudu_date_series', 'wudu')(start, end, step)) }}
{%- endmacro %}

{% macro default__wudu_date_series(start, end, step) -%}
    unnest(generate_series({{ start }}, {{ end }}, interval 1 {{ step }}))
{%- endmacro %}

{% macro spark__wudu_date_series(start, end, step) -%}
    explode(sequence({{ start }}, {{ end }}, interval 1 {{ step }}))
{%- endmacro %}
