-- 项目包年度验收 (seed 002: design, process, funds and outputs): one row per package and year with
-- the four scores (each out of 25), total, band by seeds/metric_params.csv, funds spent against the
-- budget, and the package's members and rural share. Business rules: doc package_rules.
with assessments as (
    {{ current_snapshot('stg_training__package_assessments') }}
),
members as (
    select
        project_id,
        count(*) as members,
        count(case when is_rural then 1 end) as rural_members
    from {{ ref('int_package_members') }}
    group by project_id
),
scored as (
    select
        p.project_key,
        p.district_id,
        a.project_id,
        p.project_name,
        p.subject,
        p.base_school_key,
        a.assessment_year,
        a.design_score,
        a.process_score,
        a.funds_score,
        a.outputs_score,
        a.design_score + a.process_score + a.funds_score + a.outputs_score as total_score,
        p.budget_yuan,
        a.funds_spent_yuan,
        a.assessed_on,
        max(a.assessment_year) over (partition by a.project_id) as latest_year
    from assessments a
    join {{ ref('dim_training_project') }} p on p.project_id = a.project_id
)
select
    {{ key('package_assessment_key', 's') }} as package_assessment_key,
    s.project_key,
    s.district_id,
    s.project_id,
    s.project_name,
    s.subject,
    s.base_school_key,
    s.assessment_year,
    s.assessment_year = s.latest_year as is_latest_assessment,
    s.design_score,
    s.process_score,
    s.funds_score,
    s.outputs_score,
    s.total_score,
    case
        when s.total_score >= {{ param('package_excellent_score') }} then '优秀'
        when s.total_score >= {{ param('package_pass_score') }} then '合格'
        else '不合格'
    end as assessment_band,
    s.budget_yuan,
    s.funds_spent_yuan,
    {{ pct('s.funds_spent_yuan', 's.budget_yuan') }} as funds_spent_pct,
    coalesce(m.members, 0) as members,
    coalesce(m.rural_members, 0) as rural_members,
    {{ pct('m.rural_members', 'm.members') }} as rural_share_pct,
    s.assessed_on
from scored s
left join members m on m.project_id = s.project_id
