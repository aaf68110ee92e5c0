-- One row per student: the latest roster record (grade, school, homeroom class).
-- No personal data: the student number only as its keyed hash.
with v as (
    select * from (
        select *, min(valid_from) over (partition by student_id) as first_seen_day
        from {{ ref('int_student_versions') }}
    )
    where is_last_version
),
homeroom as (
    select
        e.user_id,
        e.class_id
    from {{ ref('int_enrollment_spans') }} e
    left join {{ ref('dim_class') }} c on c.class_id = e.class_id
    where e.role = 'student'
    qualify row_number() over (
        partition by e.user_id
        order by (e.valid_to = date '9999-12-31') desc, (c.class_type = 'homeroom') desc, e.valid_from desc, e.class_id
    ) = 1
)
select
    {{ key('student_key', 'v') }} as student_key,
    v.student_id,
    v.district_id,
    {{ key('school_key', 'v') }} as school_key,
    v.school_id,
    case when h.class_id is not null then {{ key('class_key', 'v', class_id='h.class_id') }} end as class_key,
    h.class_id,
    v.grades,
    v.grade,
    v.gender,
    v.birth_year,
    u.student_no_hash,
    v.status,
    v.first_seen_day,
    v.last_seen_day,
    v.valid_to = date '9999-12-31' as is_current
from v
left join homeroom h on h.user_id = v.student_id
left join {{ ref('int_users_latest') }} u on u.user_id = v.student_id
