{#- Free-text lists in one cell ('希沃白板；投屏; 答题器'): full-width ；treated as ;, items trimmed,
    empty items dropped. wudu_count_distinct_items counts the distinct items; wudu_split_rows is a
    select-list expression giving one row per item (untrimmed; trim it where it is used). -#}
{% macro wudu_count_distinct_items(expr, sep) -%}
    {{ return(adapter.dispatch('wudu_count_distinct_items', 'wudu')(expr, sep)) }}
{%- endmacro %}

{% macro default__wudu_count_distinct_items(expr, sep) -%}
    len(list_distinct(list_filter(
        list_transform(string_split(replace(coalesce({{ expr }}, ''), '；', '{{ sep }}'), '{{ sep }}'), lambda x: trim(x)),
        lambda x: x <> ''
    )))
{%- endmacro %}

{% macro spark__wudu_count_distinct_items(expr, sep) -%}
    {#- Spark's split takes a regex: the separator is quoted -#}
    size(array_distinct(filter(
        transform(split(replace(coalesce({{ expr }}, ''), '；', '{{ sep }}'), '\\Q{{ sep }}\\E'), x -> trim(x)),
        x -> x <> ''
    )))
{%- endmacro %}

{% macro wudu_split_rows(expr, sep) -%}
    {{ return(adapter.dispatch('wudu_split_rows', 'wudu')(expr, sep)) }}
{%- endmacro %}

{% macro default__wudu_split_rows(expr, sep) -%}
    unnest(string_split({{ expr }}, '{{ sep }}'))
{%- endmacro %}

{% macro spark__wudu_split_rows(expr, sep) -%}
    explode(split({{ expr }}, '\\Q{{ sep }}\\E'))
{%- endmacro %}
