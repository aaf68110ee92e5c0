-- One row per homework submission (`submitted` statement by a student), with its assigning
-- teacher, due time, whether it was on time, and when it was graded with feedback.
-- A `graded` statement grades a submission when its object is the submission's statement id
-- (xAPI StatementRef), or when the last path segment of its object is the student
-- ('<student>' or '.../homework/<hw>/submission/<student>') and its homework (assignment extension,
-- else the <hw> of that object path) is the submission's homework.
-- Only gradings at or after the submission count. A submission is pending when it has no
-- feedback yet and its feedback window has not closed by the data horizon.
with subs as (
    select
        statement_id as submission_id,
        district_id,
        day as submitted_day,
        occurred_at as submitted_at,
        actor_id as student_id,
        actor_student_key as student_key,
        coalesce(assignment_id, regexp_extract(object_id, '([^/]+)$', 1)) as homework_id,
        due_at,
        is_written,
        duration_seconds
    from {{ ref('fct_xapi_statements') }}
    where verb = 'submitted'
      and coalesce(object_type, 'homework') = 'homework'
),
graded as (
    select
        statement_id,
        actor_teacher_key,
        object_id,
        regexp_extract(object_id, '([^/]+)$', 1) as object_tail,
        coalesce(assignment_id, nullif(regexp_extract(object_id, 'homework/([^/]+)/submission/', 1), ''))
            as graded_homework_id,
        occurred_at,
        has_response
    from {{ ref('fct_xapi_statements') }}
    where verb = 'graded'
),
matches as (
    select s.submission_id, s.submitted_at, g.actor_teacher_key, g.occurred_at, g.has_response
    from subs s join graded g on g.object_id = s.submission_id
    union all
    select s.submission_id, s.submitted_at, g.actor_teacher_key, g.occurred_at, g.has_response
    from subs s join graded g on g.object_tail = s.student_id and g.graded_homework_id = s.homework_id
),
grading as (
    select
        submission_id,
        min(occurred_at) as first_graded_at,
        min(case when has_response then occurred_at end) as feedback_at,
        min_by(actor_teacher_key, occurred_at) as grader_teacher_key
    from matches
    where occurred_at >= submitted_at
    group by submission_id
),
window_hours as (
    select cast({{ param('feedback_window_hours') }} * 60 as bigint) as window_minutes
)
select
    s.submission_id,
    s.district_id,
    s.submitted_day,
    s.submitted_at,
    s.student_id,
    s.student_key,
    s.homework_id,
    coalesce(a.teacher_key, g.grader_teacher_key) as teacher_key,
    a.class_id,
    coalesce(s.due_at, a.due_at) as due_at,
    case when coalesce(s.due_at, a.due_at) is not null
         then s.submitted_at <= coalesce(s.due_at, a.due_at) end as is_on_time,
    coalesce(s.is_written, a.is_written, false) as is_written,
    coalesce(a.is_layered, false) as is_layered,
    s.duration_seconds,
    g.first_graded_at,
    g.feedback_at,
    coalesce(g.feedback_at <= ({{ wudu_add_minutes('s.submitted_at', 'w.window_minutes') }}), false) as is_feedback_in_window,
    (
        g.feedback_at is null
        and ({{ wudu_add_minutes('s.submitted_at', 'w.window_minutes') }}) > h.last_event_at
    ) as is_pending
from subs s
cross join window_hours w
left join {{ ref('int_homework_assignments') }} a on a.homework_id = s.homework_id
left join grading g on g.submission_id = s.submission_id
left join {{ ref('int_data_horizon') }} h on h.district_id = s.district_id
