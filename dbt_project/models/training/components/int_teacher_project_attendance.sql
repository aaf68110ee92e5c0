-- One row per teacher and training project they signed in to: days, hours, first day, and whether
-- they completed it (signed-in hours >= training_completion_share x planned hours).
with s as (
    select * from {{ ref('fct_training_signins') }} where teacher_key is not null
),
agg as (
    select
        teacher_key,
        teacher_id,
        district_id,
        project_id,
        min(project_key) as project_key,
        count(distinct day) as signin_days,
        sum(hours) as signin_hours,
        min(day) as first_day,
        min_by(teacher_version_key, day) as first_teacher_version_key
    from s
    group by teacher_key, teacher_id, district_id, project_id
)
select
    a.*,
    p.planned_hours,
    case when p.planned_hours > 0 then 100.0 * least(1.0, a.signin_hours / p.planned_hours) end as attendance_pct,
    case when p.planned_hours > 0
         then a.signin_hours >= {{ param('training_completion_share') }} * p.planned_hours end as is_completed
from agg a
left join {{ ref('dim_training_project') }} p on p.project_id = a.project_id
