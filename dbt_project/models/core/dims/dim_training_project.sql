-- One row per training project (latest snapshot record). The tenant is the base school's
-- district, else the default district.
with p as (
    {{ latest_per_key(ref('stg_training__projects'), 'project_id') }}
),
resolved as (
    select p.*, coalesce(o.district_id, {{ default_district() }}) as district_id
    from p
    left join {{ ref('int_orgs') }} o on o.org_id = p.base_school_id
)
select
    {{ key('project_key') }} as project_key,
    project_id,
    district_id,
    project_name,
    training_level,
    project_type,
    coalesce(is_package, false) as is_package,
    base_school_id,
    case when base_school_id is not null then {{ key('school_key', school_id='base_school_id') }} end as base_school_key,
    subject,
    planned_hours,
    start_date,
    end_date,
    budget_yuan,
    outputs,
    partition_day = latest_snapshot_day as is_current
from resolved
