{#- Counts and sums from a LEFT JOINed aggregate: no row there means a real 0 (nothing happened),
    not unknown. zero_if_missing('m', ['files', 'rows_read']) ->
    coalesce(m.files, 0) as files, coalesce(m.rows_read, 0) as rows_read -#}
{% macro zero_if_missing(alias, columns) -%}
    {%- for c in columns %}coalesce({{ alias }}.{{ c }}, 0) as {{ c }}{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}
