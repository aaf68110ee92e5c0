-- The 项目包 programme per district (seed 002: 39 packages, 694 trainees, 262 rural = 37.75%):
-- packages with members, distinct trainees (a teacher in two packages counts once), rural trainees
-- by the training system's flag and their share, memberships, and the latest 验收 results.
-- Business rules: doc package_rules.
with members as (
    select
        district_id,
        count(distinct project_id) as packages,
        count(*) as memberships,
        count(distinct teacher_id) as trainees,
        count(distinct case when is_rural then teacher_id end) as rural_trainees,
        count(distinct school_id) as trainee_schools
    from {{ ref('int_package_members') }}
    group by district_id
),
assessed as (
    select
        district_id,
        count(*) as packages_assessed,
        count(case when assessment_band = '优秀' then 1 end) as packages_excellent,
        count(case when assessment_band = '不合格' then 1 end) as packages_failed,
        avg(total_score) as avg_total_score
    from {{ ref('fct_project_package_assessment') }}
    where is_latest_assessment
    group by district_id
)
select
    {{ key('district_key', 'm') }} as district_key,
    m.district_id,
    m.packages,
    m.trainees,
    m.rural_trainees,
    round({{ pct('m.rural_trainees', 'm.trainees') }}, 2) as rural_share_pct,
    m.memberships,
    round(1.0 * m.memberships / m.packages, 2) as avg_package_size,
    m.trainee_schools,
    coalesce(a.packages_assessed, 0) as packages_assessed,
    coalesce(a.packages_excellent, 0) as packages_excellent,
    coalesce(a.packages_failed, 0) as packages_failed,
    a.avg_total_score
from members m
left join assessed a on a.district_id = m.district_id
