-- The roster's enrollments kept as their changes from one daily snapshot to the next (macros/snapshot_changes.sql;
-- materialization: dbt_project.yml, roster_changes): what int_enrollment_spans reads instead of every snapshot held.
{{ config(snapshot_of='stg_roster__enrollments') }}
{{ snapshot_changes('stg_roster__enrollments', 'enrollment_id') }}
