-- One row per teacher with a 教师发展档案 record: 教龄 and its band, 教师资格 and its periodic
-- registration, 骨干 recognition and reviews, and new-teacher probation (试用期) progress against
-- the elapsed share of the probation year. Business rules: doc career_rules.
with c as (
    select
        i.*,
        {{ dbt.datediff('i.hire_date', 'i.as_of_day', 'day') }} as days_employed,
        extract(year from i.as_of_day) as as_of_year,
        case when i.probation_start is not null and i.probation_end is not null
             then least(1.0, greatest(0.0,
                  1.0 * ({{ dbt.datediff('i.probation_start', 'i.as_of_day', 'day') }} + 1)
                  / ({{ dbt.datediff('i.probation_start', 'i.probation_end', 'day') }} + 1))) end as probation_elapsed_share
    from {{ ref('int_teacher_careers') }} i
),
measured as (
    select
        c.*,
        floor(c.days_employed / 365.25) as teaching_years,
        c.probation_start is not null and c.probation_start <= c.as_of_day
            and c.probation_end >= c.as_of_day and coalesce(c.probation_result, '进行中') = '进行中' as is_on_probation,
        {{ param('probation_required_hours') }} as probation_required_hours
    from c
)
select
    teacher_key,
    district_id,
    teacher_id,
    school_key,
    hire_date,
    teaching_years,
    case
        when teaching_years < 1 then '不足1年'
        when teaching_years < 6 then '1-5年'
        when teaching_years < 11 then '6-10年'
        when teaching_years < 21 then '11-20年'
        else '21年以上'
    end as teaching_years_band,
    certificate_type,
    certificate_year,
    coalesce(certificate_type <> '无', false) as has_certificate,
    registration_status,
    coalesce(registration_status = '本年注册', false) as registered_this_year,
    coalesce(backbone_level, '无') as backbone_level,
    backbone_year,
    coalesce(backbone_level not in ('无'), false) as is_backbone,
    coalesce(backbone_year = as_of_year, false) as is_new_backbone,
    annual_review,
    coalesce(annual_review in ('优秀', '合格', '不合格'), false) as annual_reviewed,
    coalesce(annual_review in ('优秀', '合格'), false) as annual_review_passed,
    cycle_review,
    coalesce(cycle_review in ('合格', '不合格'), false) as cycle_reviewed,
    coalesce(cycle_review = '合格', false) as cycle_review_passed,
    probation_start,
    probation_end,
    probation_result,
    is_on_probation,
    case when is_on_probation then probation_hours end as probation_hours,
    case when is_on_probation then probation_required_hours end as probation_required_hours,
    case when is_on_probation
         then round(least(100.0, {{ pct('coalesce(probation_hours, 0)', 'probation_required_hours') }}), 2) end as probation_progress_pct,
    case when is_on_probation then round(100.0 * probation_elapsed_share, 2) end as probation_elapsed_pct,
    case when is_on_probation
         then coalesce(probation_hours, 0) >= probation_required_hours * probation_elapsed_share end as probation_on_track,
    as_of_day
from measured
