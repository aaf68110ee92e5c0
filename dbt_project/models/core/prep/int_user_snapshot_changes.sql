-- The roster's users kept as their changes from one daily snapshot to the next (macros/snapshot_changes.sql):
-- what int_users_latest and the SCD2 versions read instead of every snapshot held.
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='replace_window',
    window_column='snapshot_day',
    snapshot_of='stg_roster__users',
    on_schema_change='append_new_columns'
) }}
{{ snapshot_changes('stg_roster__users', 'user_id') }}
