-- One row per training project: participants (人数), trainee-visits (人次 = distinct teacher-days),
-- activity days, 学时, rural share of participants, completion, satisfaction and outputs.
-- A participant's school (城镇/乡村) is the one of the teacher version on their first sign-in day.
with signins as (
    select * from {{ ref('fct_training_signins') }} where teacher_key is not null
),
visits as (
    select
        project_id,
        count(distinct teacher_key) as participants,
        count(distinct (teacher_key, day)) as trainee_visits,
        count(distinct day) as activity_days,
        sum(hours) as signin_hours,
        min(day) as first_activity_day,
        max(day) as last_activity_day
    from signins
    group by project_id
),
participants as (
    select
        a.project_id,
        count(*) as participants,
        count(case when sch.urban_rural = '乡村' then 1 end) as rural_participants,
        count(sch.urban_rural) as participants_with_location,
        count(case when a.is_completed then 1 end) as participants_completed,
        count(a.is_completed) as participants_with_plan,
        avg(a.attendance_pct) as avg_attendance_pct
    from {{ ref('int_teacher_project_attendance') }} a
    left join {{ ref('dim_teacher') }} t on t.teacher_version_key = a.first_teacher_version_key
    left join {{ ref('dim_school') }} sch on sch.school_key = t.school_key
    group by a.project_id
),
survey as (
    select
        project_id,
        count(*) as survey_answers,
        count(distinct response_id) as survey_responses,
        count(case when score >= {{ param('satisfaction_min_score') }} then 1 end) as satisfied_answers,
        avg(score) as avg_survey_score
    from {{ ref('fct_survey_responses') }}
    group by project_id
),
audits as (
    select project_id, sum(case when is_approved then approved_hours else 0 end) as approved_hours
    from {{ ref('fct_credit_audits') }}
    group by project_id
)
select
    p.project_key,
    p.project_id,
    p.district_id,
    p.project_name,
    p.training_level,
    p.project_type,
    p.is_package,
    p.base_school_key,
    p.subject,
    p.planned_hours,
    p.start_date,
    p.end_date,
    p.budget_yuan,
    p.outputs,
    {{ zero_if_missing('v', ['participants', 'trainee_visits', 'activity_days', 'signin_hours']) }},
    v.first_activity_day,
    v.last_activity_day,
    coalesce(pa.rural_participants, 0) as rural_participants,
    {{ pct('pa.rural_participants', 'pa.participants_with_location') }} as rural_share_pct,
    coalesce(pa.participants_completed, 0) as participants_completed,
    {{ pct('pa.participants_completed', 'pa.participants_with_plan') }} as completion_pct,
    pa.avg_attendance_pct,
    {{ zero_if_missing('su', ['survey_responses', 'survey_answers']) }},
    {{ pct('su.satisfied_answers', 'su.survey_answers') }} as satisfaction_pct,
    su.avg_survey_score,
    coalesce(au.approved_hours, 0) as approved_hours,
    case when v.participants > 0 then 1.0 * p.outputs / v.participants end as outputs_per_participant,
    case when v.participants > 0 then p.budget_yuan / v.participants end as budget_per_participant
from {{ ref('dim_training_project') }} p
left join visits v on v.project_id = p.project_id
left join participants pa on pa.project_id = p.project_id
left join survey su on su.project_id = p.project_id
left join audits au on au.project_id = p.project_id
