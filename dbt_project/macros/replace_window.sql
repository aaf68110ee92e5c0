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

  A model whose config names `snapshot_of` (the changes of a roster snapshot,
  macros/snapshot_changes.sql) replaces through the first snapshot day after the window
  too: that day's changes were computed against a snapshot the window may have changed.
-#}
{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set source = arg_dict["temp_relation"] -%}
    {%- set dest_columns = arg_dict["dest_columns"] -%}
    {%- set window_column = config.get("window_column", "day") -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    {%- set snapshot_of = config.get("snapshot_of") -%}
    {%- set through = snapshot_window(ref(snapshot_of)).replace_through if snapshot_of else max_day() -%}
    delete from {{ target }}
    where {{ adapter.quote(window_column) }} between {{ min_day() }} and {{ through }};

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ source }}
    where {{ adapter.quote(window_column) }} between {{ min_day() }} and {{ through }}
{%- endmacro %}
