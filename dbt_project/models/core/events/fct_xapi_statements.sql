-- One row per xAPI statement (learning, homework, assessment and resource events). Incremental
-- by day. The free-text response is not copied (it may name people): only has_response.
-- school_id is the statement's school, else its class's school, else the actor's school.
with src as (
    {{ window_rows('stg_platform__xapi_statements', ['statement_id']) }}
),
resolved as (
    select
        s.*,
        coalesce(s.school_id, c.school_id, u.school_id) as resolved_school_id,
        u.role as actor_role,
        c.class_key
    from src s
    left join {{ ref('dim_class') }} c on c.class_id = s.class_id
    left join {{ ref('int_users_latest') }} u on u.user_id = s.actor_id
),
joined as (
    select
        r.*,
        coalesce(sch.district_id, {{ default_district() }}) as district_id,
        sch.school_key,
        t.teacher_key as actor_teacher_key,
        t.teacher_version_key as actor_teacher_version_key,
        st.student_key as actor_student_key
    from resolved r
    left join {{ ref('dim_school') }} sch on sch.school_id = r.resolved_school_id
    left join {{ ref('dim_teacher') }} t
        on r.actor_role = 'teacher' and t.teacher_id = r.actor_id
        and {{ valid_version('t', 'r.partition_day') }}
    left join {{ ref('dim_student') }} st
        on r.actor_role = 'student' and st.student_id = r.actor_id
)
select
    {{ key('statement_key') }} as statement_key,
    district_id,
    partition_day as day,
    occurred_at,
    statement_id,
    actor_id,
    actor_role,
    actor_teacher_key,
    actor_teacher_version_key,
    actor_student_key,
    verb,
    object_id,
    object_type,
    score_scaled,
    success,
    duration_seconds,
    coalesce(trim(response), '') <> '' as has_response,
    class_key,
    class_id,
    school_key,
    resolved_school_id as school_id,
    course_id,
    session_id,
    subject,
    assignment_id,
    is_layered,
    is_written,
    due_at
from joined
