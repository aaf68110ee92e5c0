-- Career figures per district as the centre reports them (seed 003: 骨干 年度考核 616 and 周期考核
-- 136, new 区级骨干 205, 教师资格注册 202; seed 004: new-teacher probation), from fct_teacher_career.
-- Business rules: doc career_rules.
select
    {{ key('district_key') }} as district_key,
    district_id,
    count(*) as teachers,
    round(avg(teaching_years), 1) as avg_teaching_years,
    count(case when has_certificate then 1 end) as teachers_with_certificate,
    count(case when registered_this_year then 1 end) as certificate_registrations,
    count(case when is_backbone then 1 end) as backbone_teachers,
    count(case when is_new_backbone then 1 end) as new_backbone_teachers,
    count(case when annual_reviewed then 1 end) as backbone_annual_reviews,
    count(case when annual_review_passed then 1 end) as backbone_annual_passed,
    count(case when cycle_reviewed then 1 end) as backbone_cycle_reviews,
    count(case when cycle_review_passed then 1 end) as backbone_cycle_passed,
    count(case when is_on_probation then 1 end) as teachers_on_probation,
    count(case when probation_on_track then 1 end) as probation_on_track,
    {{ pct('count(case when probation_on_track then 1 end)', 'count(case when is_on_probation then 1 end)') }} as probation_on_track_pct
from {{ ref('fct_teacher_career') }}
group by district_id
