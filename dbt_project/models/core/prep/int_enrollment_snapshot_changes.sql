-- The roster's enrollments kept as their changes from one daily snapshot to the next
-- (macros/snapshot_changes.sql): what int_enrollment_spans reads instead of every snapshot held.
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='replace_window',
    window_column='snapshot_day',
    snapshot_of='stg_roster__enrollments',
    on_schema_change='append_new_columns'
) }}
{{ snapshot_changes('stg_roster__enrollments', 'enrollment_id') }}
