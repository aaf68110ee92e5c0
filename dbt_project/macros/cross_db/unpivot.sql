{#- Long form of a wide select, used as a call block whose body is the select:
        {% call wudu_unpivot_body(value_columns, 'name', 'value') %} select ids..., value columns... {% endcall %}
    gives one row per (ids, value column) with a non-null value: the ids, then `name_as` (the column
    name) and `value_as` (its value). NULL values are dropped (the default of both DuckDB's and Spark's
    UNPIVOT). The columns are listed explicitly because Spark has no COLUMNS(regex) star:
    wudu_columns_matching() reads them from the built relation. -#}
{% macro wudu_unpivot_body(value_columns, name_as, value_as) -%}
    {{ return(adapter.dispatch('wudu_unpivot_body', 'wudu')(caller(), value_columns, name_as, value_as)) }}
{%- endmacro %}

{% macro default__wudu_unpivot_body(select_sql, value_columns, name_as, value_as) -%}
    unpivot ({{ select_sql }})
    on {{ value_columns | join(', ') }}
    into name {{ name_as }} value {{ value_as }}
{%- endmacro %}

{% macro spark__wudu_unpivot_body(select_sql, value_columns, name_as, value_as) -%}
    select * from ({{ select_sql }}) wide
    unpivot ({{ value_as }} for {{ name_as }} in ({{ value_columns | join(', ') }}))
{%- endmacro %}

{#- The columns of a relation whose names match a regex, in the relation's order (at parse time, when
    relations are not built yet, an empty list). -#}
{% macro wudu_columns_matching(relation, pattern) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set names = [] -%}
    {%- for c in adapter.get_columns_in_relation(relation) -%}
        {%- if modules.re.match(pattern, c.name) -%}{%- do names.append(c.name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
