-- One row per class (latest roster record), with its primary teacher and current enrolment.
with c as (
    {{ latest_per_key(ref('stg_roster__classes'), 'class_id') }}
),
courses as (
    {{ latest_per_key(ref('stg_roster__courses'), 'course_id') }}
),
teacher as (
    select class_id, user_id as teacher_id
    from {{ ref('int_enrollment_spans') }}
    where role = 'teacher'
    qualify row_number() over (
        partition by class_id
        order by (valid_to = date '9999-12-31') desc, is_primary desc, valid_from desc, user_id
    ) = 1
),
enrolled as (
    select class_id, count(distinct user_id) as current_students
    from {{ ref('int_enrollment_spans') }}
    where role = 'student' and valid_to = date '9999-12-31'
    group by class_id
),
resolved as (
    select c.*, coalesce(o.district_id, {{ default_district() }}) as district_id
    from c
    left join {{ ref('int_orgs') }} o on o.org_id = c.school_id
)
select
    {{ key('class_key', 'c') }} as class_key,
    c.class_id,
    c.district_id,
    {{ key('school_key', 'c') }} as school_key,
    c.school_id,
    c.class_title,
    c.class_code,
    c.class_type,
    c.grades,
    {{ parse_grade('c.grades') }} as grade,
    coalesce(c.subjects, courses.subjects) as subjects,
    c.course_id,
    courses.course_title,
    c.term_session_ids,
    t.teacher_id as primary_teacher_id,
    coalesce(e.current_students, 0) as current_students,
    (c.partition_day = c.latest_snapshot_day and coalesce(c.status, 'active') <> 'tobedeleted') as is_current
from resolved c
left join courses on courses.course_id = c.course_id
left join teacher t on t.class_id = c.class_id
left join enrolled e on e.class_id = c.class_id
