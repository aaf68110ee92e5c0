-- 项目包 membership (学员名单) of the latest delivery: one row per package and trainee, with the
-- package's keys and tenant and the trainee's durable teacher key. 乡村教师 is the training
-- system's flag (the trainee's school when they joined), not re-derived from today's roster.
with members as (
    {{ current_snapshot('stg_training__package_members') }}
)
select
    p.project_key,
    p.district_id,
    m.project_id,
    m.teacher_id,
    t.teacher_key,
    m.school_id,
    m.base_school_id,
    coalesce(m.is_rural, false) as is_rural,
    m.joined_date
from members m
join {{ ref('dim_training_project') }} p on p.project_id = m.project_id
left join {{ ref('dim_teacher') }} t on t.teacher_id = m.teacher_id and t.is_last_version
