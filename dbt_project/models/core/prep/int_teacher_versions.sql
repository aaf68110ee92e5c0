-- SCD2 versions of teachers (users with role teacher) from the daily roster snapshots:
-- a new version whenever school, title, backbone level, status or personal attributes change.
with versions as (
    {{ scd2_from_snapshots(
        'int_user_snapshot_changes', 'stg_roster__users', 'user_id',
        ['school_id', 'title', 'backbone_level', 'gender', 'birth_year', 'status', 'enabled_user'],
        where="role = 'teacher'") }}
)
select
    v.entity_id as teacher_id,
    v.school_id,
    coalesce(o.district_id, {{ default_district() }}) as district_id,
    v.title,
    v.backbone_level,
    v.gender,
    v.birth_year,
    v.status,
    v.enabled_user,
    v.valid_from,
    v.valid_to,
    v.version_number,
    v.is_last_version,
    v.last_seen_day,
    v.latest_snapshot_day
from versions v
left join {{ ref('int_orgs') }} o on o.org_id = v.school_id
