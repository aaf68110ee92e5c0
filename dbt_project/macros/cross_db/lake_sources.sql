{#- On Spark, the raw sources are external tables over the Parquet lake that the raw assets write
    (transforms/lake.py): <lake>/raw/<table>/load_date=YYYY-MM-DD/. Registered at the start of every
    run (dropping an external table keeps its files), so a new partition or a new column is seen;
    DuckDB reads the raw schema of the build file directly and needs nothing here. -#}
{% macro wudu_register_lake_sources() -%}
    {{ return(adapter.dispatch('wudu_register_lake_sources', 'wudu')()) }}
{%- endmacro %}

{% macro default__wudu_register_lake_sources() -%}
{%- endmacro %}

{% macro spark__wudu_register_lake_sources() -%}
    {%- if execute -%}
    {%- set lake = env_var('WUDU_LAKE_DIR', env_var('WUDU_DATA_DIR', 'data') ~ '/warehouse/lake') -%}
    {%- set tables = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- do tables.append((node.schema, node.identifier)) -%}
    {%- endfor -%}
    {%- for schema in tables | map(attribute=0) | unique -%}
        {%- do run_query('create database if not exists ' ~ schema) -%}
    {%- endfor -%}
    {%- for schema, name in tables | unique -%}
        {%- do run_query('drop table if exists ' ~ schema ~ '.' ~ name) -%}
        {%- do run_query('create table ' ~ schema ~ '.' ~ name ~ " using parquet location '" ~ lake ~ '/' ~ schema ~ '/' ~ name ~ "'") -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
