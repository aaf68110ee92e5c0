{#-
  Incremental strategy `replace_window` for the daily facts (models/core/events).

  A run for the window [min_day, max_day] deletes every row of the target whose
  window column (config `window_column`, default `day`) falls in the window and then
  inserts the rows the model selected for that window. Both statements run in the
  materialization's single transaction, so a failed run leaves the old rows in place.

  Unlike dbt's delete+insert (which deletes only keys present in the new data), a day
  whose new data is empty is emptied too: a re-run replaces exactly its days, nothing
  more, nothing less. Every model using it must select only rows inside the window
  (filter with the in_window() macro), or rows outside it would be duplicated.
-#}
{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set source = arg_dict["temp_relation"] -%}
    {%- set dest_columns = arg_dict["dest_columns"] -%}
    {%- set window_column = config.get("window_column", "day") -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    delete from {{ target }}
    where {{ in_window(adapter.quote(window_column)) }};

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ source }}
    where {{ in_window(adapter.quote(window_column)) }}
{%- endmacro %}
