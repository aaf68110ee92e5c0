{#- Aggregate: the distinct non-null values of a text column, sorted, joined by sep ('a,b,c'). -#}
{% macro wudu_sorted_distinct_agg(col, sep) -%}
    {{ return(adapter.dispatch('wudu_sorted_distinct_agg', 'wudu')(col, sep)) }}
{%- endmacro %}

{% macro default__wudu_sorted_distinct_agg(col, sep) -%}
    string_agg(distinct {{ col }}, '{{ sep }}' order by {{ col }})
{%- endmacro %}

{% macro spark__wudu_sorted_distinct_agg(col, sep) -%}
    nullif(array_join(array_sort(collect_set({{ col }})), '{{ sep }}'), '')
{%- endmacro %}
