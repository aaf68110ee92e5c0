-- The roster's users kept as their changes from one daily snapshot to the next (macros/snapshot_changes.sql;
-- materialization: dbt_project.yml, roster_changes): what int_users_latest and the SCD2 versions read instead of every snapshot held.
{{ config(snapshot_of='stg_roster__users') }}
{{ snapshot_changes('stg_roster__users', 'user_id') }}
