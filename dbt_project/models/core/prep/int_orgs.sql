-- Latest record of every org across the roster snapshots, with its tenant district
-- (the org itself for a district; else the nearest district ancestor; else the default district).
with ranked as (
    {{ latest_per_key(ref('stg_roster__orgs'), 'org_id') }}
),
default_district as (
    select min(org_id) as district_id from ranked where org_type = 'district'
)
select
    r.org_id,
    r.org_name,
    r.org_type,
    r.org_code,
    r.parent_org_id,
    r.status,
    r.urban_rural,
    r.stage,
    r.edu_group,
    r.is_smart_school,
    r.bandwidth_mbps,
    r.teacher_devices,
    r.student_devices,
    r.smart_classrooms,
    case
        when r.org_type = 'district' then r.org_id
        when p.org_type = 'district' then p.org_id
        when gp.org_type = 'district' then gp.org_id
        else (select district_id from default_district)
    end as district_id,
    r.partition_day as last_snapshot_day,
    (r.partition_day = r.latest_snapshot_day and coalesce(r.status, 'active') <> 'tobedeleted') as is_current
from ranked r
left join ranked p on p.org_id = r.parent_org_id
left join ranked gp on gp.org_id = p.parent_org_id
