{#- The publish ledger: every dbt run or build notes, before any model builds, the window of days
    it may change in the daily facts (models/core/events), in the build file's `wudu_meta.dbt_windows`.
    The publish (transforms/publish/duckdb_file.py) refreshes exactly the days noted since the
    analysts' file it starts from was written, so its cost follows the days changed, not the days held.
    A full refresh notes every day. DuckDB only: on Spark the publish rewrites the whole file. -#}
{% macro wudu_note_window() -%}
    {{ return(adapter.dispatch('wudu_note_window', 'wudu')()) }}
{%- endmacro %}

{% macro default__wudu_note_window() -%}
{%- endmacro %}

{% macro duckdb__wudu_note_window() -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
    {%- set full = flags.FULL_REFRESH -%}
    {%- do run_query("create schema if not exists wudu_meta") -%}
    {%- do run_query("create table if not exists wudu_meta.dbt_windows (window_id bigint primary key, "
                     ~ "invocation_id varchar not null, min_day date not null, max_day date not null, "
                     ~ "full_refresh boolean not null, noted_at timestamp not null)") -%}
    {%- do run_query("insert into wudu_meta.dbt_windows select coalesce(max(window_id), 0) + 1, '"
                     ~ invocation_id ~ "', "
                     ~ ("date '1900-01-01'" if full else min_day()) ~ ", "
                     ~ ("date '2999-12-31'" if full else max_day()) ~ ", "
                     ~ (full | string | lower) ~ ", now()::timestamp from wudu_meta.dbt_windows") -%}
    {%- endif -%}
{%- endmacro %}
