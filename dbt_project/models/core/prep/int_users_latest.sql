-- Latest record of every user across the roster snapshots (role, school, grade), with district.
with ranked as (
    {{ latest_from_changes('int_user_snapshot_changes', 'stg_roster__users', 'user_id') }}
)
select
    u.user_id,
    u.role,
    u.status,
    u.school_id,
    coalesce(o.district_id, {{ default_district() }}) as district_id,
    u.grades,
    {{ parse_grade('u.grades') }} as grade,
    u.title,
    u.backbone_level,
    u.birth_year,
    u.gender,
    u.student_no_hash,
    u.subject,
    u.partition_day as last_snapshot_day,
    (u.partition_day = u.latest_snapshot_day and coalesce(u.status, 'active') <> 'tobedeleted') as is_current
from ranked u
left join {{ ref('int_orgs') }} o on o.org_id = u.school_id
