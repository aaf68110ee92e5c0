{#- The partition window passed by Dagster: --vars '{"min_day": "...", "max_day": "..."}' (inclusive). -#}
{% macro min_day() -%}
    cast('{{ var("min_day") }}' as date)
{%- endmacro %}

{% macro max_day() -%}
    cast('{{ var("max_day") }}' as date)
{%- endmacro %}

{% macro in_window(column) -%}
    ({{ column }} between {{ min_day() }} and {{ max_day() }})
{%- endmacro %}
