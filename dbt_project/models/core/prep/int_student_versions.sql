-- SCD2 versions of students (users with role student) from the daily roster snapshots, so that a
-- term is evaluated with the grade and school the student had then (students are promoted).
with versions as (
    {{ scd2_from_snapshots(
        'int_user_snapshot_changes', 'stg_roster__users', 'user_id',
        ['school_id', 'grades', 'gender', 'birth_year', 'status'],
        where="role = 'student'") }}
)
select
    v.entity_id as student_id,
    v.school_id,
    coalesce(o.district_id, {{ default_district() }}) as district_id,
    v.grades,
    {{ parse_grade('v.grades') }} as grade,
    v.gender,
    v.birth_year,
    v.status,
    v.valid_from,
    v.valid_to,
    v.version_number,
    v.is_last_version,
    v.last_seen_day,
    v.latest_snapshot_day
from versions v
left join {{ ref('int_orgs') }} o on o.org_id = v.school_id
