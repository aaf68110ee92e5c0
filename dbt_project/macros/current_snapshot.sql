{#- The current state of a snapshot table (one full list per delivery): the rows of its latest
    landing day. A key missing from that delivery is gone (a withdrawn topic, a member who left).
    Portable SQL (DuckDB and Spark): a scalar subquery, no qualify. -#}
{% macro current_snapshot(model) -%}
    select s.*
    from {{ ref(model) }} s
    where s.partition_day = (select max(partition_day) from {{ ref(model) }})
{%- endmacro %}
