-- 信息技术应用能力提升工程2.0 整校推进 (seed 003: 31 schools, 2,900+ teachers): one row per school
-- on the programme's list, with coverage (teachers enrolled / the school's current roster teachers,
-- capped at 100) and completion (teachers qualified / enrolled). Schools outside the roster (高中,
-- 职教, 特教 …) are listed with in_roster = false and no coverage. Business rules: doc it20_rules.
with schools as (
    {{ current_snapshot('stg_training__it20_schools') }}
),
resolved as (
    select
        s.*,
        d.school_key,
        d.school_id,
        d.urban_rural,
        d.stage,
        d.current_teachers,
        coalesce(d.district_id, {{ default_district() }}) as district_id
    from schools s
    left join {{ ref('dim_school') }} d on d.school_id = s.school_code
)
select
    {{ key('it20_school_key', 'r') }} as it20_school_key,
    r.district_id,
    r.school_code,
    r.school_name,
    r.school_key,
    r.school_key is not null as in_roster,
    r.urban_rural,
    r.stage,
    r.batch,
    coalesce(r.plan_approved, false) as plan_approved,
    r.current_teachers as roster_teachers,
    r.teachers_enrolled,
    r.teachers_qualified,
    case when r.current_teachers > 0
         then least(100.0, {{ pct('r.teachers_enrolled', 'r.current_teachers') }}) end as coverage_pct,
    {{ pct('r.teachers_qualified', 'r.teachers_enrolled') }} as completion_pct,
    case when r.teachers_qualified > 0 then 1.0 * r.micro_abilities / r.teachers_qualified end as micro_abilities_per_qualified,
    r.school_result
from resolved r
