-- One row per student and term in scope: the student's grade and school from the student version
-- valid at the end of the term's scope, and the homeroom class enrolled then. The universe is every
-- student on the roster during the term plus any student with statements in the term.
with on_roster as (
    select distinct v.student_id, s.term_key
    from {{ ref('int_student_versions') }} v
    join {{ ref('int_term_scope') }} s
        on s.district_id = v.district_id
        and v.valid_from <= s.scope_end
        and v.valid_to >= s.start_date
),
with_events as (
    select distinct x.actor_id as student_id, dt.term_key
    from {{ ref('fct_xapi_statements') }} x
    join {{ ref('int_date_term') }} dt on dt.district_id = x.district_id and dt.date_day = x.day
    where x.actor_role = 'student'
),
universe as (
    select student_id, term_key from on_roster
    union
    select student_id, term_key from with_events
),
profile as (
    select
        u.student_id,
        u.term_key,
        s.district_id,
        s.scope_end,
        v.school_id,
        v.grade,
        v.grades
    from universe u
    join {{ ref('int_term_scope') }} s on s.term_key = u.term_key
    join {{ ref('int_student_versions') }} v on v.student_id = u.student_id and {{ valid_version('v', 's.scope_end') }}
),
homeroom as (
    select p.student_id, p.term_key, e.class_id
    from profile p
    join {{ ref('int_enrollment_spans') }} e
        on e.user_id = p.student_id and e.role = 'student'
        and p.scope_end between e.valid_from and e.valid_to
    left join {{ ref('dim_class') }} c on c.class_id = e.class_id
    qualify row_number() over (
        partition by p.student_id, p.term_key
        order by (c.class_type = 'homeroom') desc, e.valid_from desc, e.class_id
    ) = 1
)
select
    p.*,
    h.class_id
from profile p
left join homeroom h on h.student_id = p.student_id and h.term_key = p.term_key
