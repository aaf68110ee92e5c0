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

  A model whose config names `replace_key` (int_homework_submissions) may also select rows
  outside the window — rows of earlier days that the window's data changes (a grading
  landed late): every row whose key it selects is replaced too, wherever its day.
-#}
{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set source = arg_dict["temp_relation"] -%}
    {%- set dest_columns = arg_dict["dest_columns"] -%}
    {%- set window_column = config.get("window_column", "day") -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    {%- set snapshot_of = config.get("snapshot_of") -%}
    {%- set through = snapshot_window(ref(snapshot_of)).replace_through if snapshot_of else max_day() -%}
    {%- set replace_key = config.get("replace_key") %}
    delete from {{ target }}
    where {{ adapter.quote(window_column) }} between {{ min_day() }} and {{ through }}
    {%- if replace_key %}
       or {{ adapter.quote(replace_key) }} in (select {{ adapter.quote(replace_key) }} from {{ source }})
    {%- endif %};

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ source }}
    {%- if not replace_key %}
    where {{ adapter.quote(window_column) }} between {{ min_day() }} and {{ through }}
    {%- endif %}
{%- endmacro %}
