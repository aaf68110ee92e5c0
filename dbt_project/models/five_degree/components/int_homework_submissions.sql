-- One row per homework submission (`submitted` statement by a student), with its assigning
-- teacher, due time, whether it was on time, and when it was graded with feedback.
-- A `graded` statement grades a submission when its object is the submission's statement id
-- (xAPI StatementRef), or when the last path segment of its object is the student
-- ('<student>' or '.../homework/<hw>/submission/<student>') and its homework (assignment extension,
-- else the <hw> of that object path) is the submission's homework.
-- Only gradings at or after the submission count. A submission is pending when it has no
-- feedback yet and its feedback window has not closed by the data horizon.
--
-- Incremental by the day of the submission (macros/replace_window.sql with replace_key; on Spark a
-- table rebuilt from every submission): a night
-- recomputes only the submissions its window can change and replaces those rows, wherever their day:
--   submitted on a window day (new, re-landed or withdrawn);
--   matched by a grading landed on a window day (a late grading of an earlier submission);
--   graded first, or given feedback, by a grading landed on a window day (that grading may be gone);
--   of a homework whose assignment (its first `assigned` statement) landed on a window day, now or
--   before the run;
--   whose pending flag the new data horizon changes (it moves on each night; back, when a last day
--   is withdrawn) — not every pending row: one that stays pending is left as it is;
--   computed with another feedback window (metric_params) than today's.
-- The *_landed_day columns keep where each row's evidence came from, for the next run's choice.
-- A table whose stored columns predate that bookkeeping is recomputed whole once.
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='replace_window',
    window_column='submitted_day',
    replace_key='submission_id',
    on_schema_change='append_new_columns',
) }}
{%- set bookkeeping = ['first_graded_landed_day', 'feedback_landed_day', 'assignment_landed_day', 'feedback_window_hours'] %}
{%- set incremental = is_incremental() %}
{%- if incremental and execute %}
    {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
    {%- set incremental = (bookkeeping | reject('in', stored) | list | length) == 0 %}
{%- endif %}
{#- a submission's homework: its assignment extension, else the last path segment of its object -#}
{%- set homework_of = "coalesce(x.assignment_id, regexp_extract(x.object_id, '([^/]+)$', 1))" %}
{#- the graded statements: every one held (to match the recomputed submissions) and, on a night, the
    window's, read from the statements with the window's filter in the scan rather than from `graded`,
    which DuckDB materialises whole for its two readers in `matches` -#}
{%- set graded_select %}
    select
        statement_id,
        day as landed_day,
        actor_teacher_key,
        object_id,
        regexp_extract(object_id, '([^/]+)$', 1) as object_tail,
        coalesce(assignment_id, nullif(regexp_extract(object_id, 'homework/([^/]+)/submission/', 1), ''))
            as graded_homework_id,
        occurred_at,
        has_response
    from {{ ref('fct_xapi_statements') }}
    where verb = 'graded'
{%- endset %}
with params as (
    select
        {{ param('feedback_window_hours') }} as feedback_window_hours,
        cast({{ param('feedback_window_hours') }} * 60 as bigint) as window_minutes
),
graded as (
    {{ graded_select }}
),
{%- if incremental %}
window_graded as (
    {{ graded_select }}
      and {{ in_window('day') }}
),
-- the stored rows whose landing days, pending flag or feedback window this run changes
stored_affected as (
    select t.submission_id
    from {{ this }} t
    cross join params p
    left join {{ ref('int_data_horizon') }} h on h.district_id = t.district_id
    where {{ in_window('t.first_graded_landed_day') }}
       or {{ in_window('t.feedback_landed_day') }}
       or {{ in_window('t.assignment_landed_day') }}
       -- pending before the run and not by the new horizon, or the other way round (a withdrawn
       -- last day moves the horizon back)
       or t.is_pending is distinct from
          (t.feedback_at is null and ({{ wudu_add_minutes('t.submitted_at', 'p.window_minutes') }}) > h.last_event_at)
       or t.feedback_window_hours is distinct from p.feedback_window_hours
),
-- the submissions this run recomputes; each branch reads the statements itself (a CTE read by
-- several branches is materialised whole by DuckDB), duplicates are left to the semi-join below
affected as (
    select statement_id as submission_id
    from {{ ref('fct_xapi_statements') }}
    where verb = 'submitted' and {{ in_window('day') }}
    union all
    select x.statement_id
    from {{ ref('fct_xapi_statements') }} x
    join window_graded g on g.object_id = x.statement_id
    where x.verb = 'submitted'
    union all
    select x.statement_id
    from {{ ref('fct_xapi_statements') }} x
    join window_graded g on g.object_tail = x.actor_id and g.graded_homework_id = {{ homework_of }}
    where x.verb = 'submitted'
    union all
    select x.statement_id
    from {{ ref('fct_xapi_statements') }} x
    join {{ ref('int_homework_assignments') }} a on a.homework_id = {{ homework_of }}
    where x.verb = 'submitted' and {{ in_window('a.assigned_day') }}
    union all
    select submission_id from stored_affected
),
{%- endif %}
subs as (
    select
        statement_id as submission_id,
        district_id,
        day as submitted_day,
        occurred_at as submitted_at,
        actor_id as student_id,
        actor_student_key as student_key,
        {{ homework_of }} as homework_id,
        due_at,
        is_written,
        duration_seconds
    from {{ ref('fct_xapi_statements') }} x
    where verb = 'submitted'
      and coalesce(object_type, 'homework') = 'homework'
{%- if incremental %}
      and statement_id in (select submission_id from affected)
{%- endif %}
),
matches as (
    select s.submission_id, s.submitted_at, g.statement_id, g.actor_teacher_key, g.occurred_at, g.has_response, g.landed_day
    from subs s join graded g on g.object_id = s.submission_id
    union all
    select s.submission_id, s.submitted_at, g.statement_id, g.actor_teacher_key, g.occurred_at, g.has_response, g.landed_day
    from subs s join graded g on g.object_tail = s.student_id and g.graded_homework_id = s.homework_id
),
-- the first grading and the first grading with feedback, each one statement (ties: the smaller
-- statement id), so that withdrawing any other grading changes neither
ranked as (
    select
        *,
        row_number() over (partition by submission_id order by occurred_at, statement_id) as grading_rank,
        row_number() over (partition by submission_id, has_response order by occurred_at, statement_id) as response_rank
    from matches
    where occurred_at >= submitted_at
),
grading as (
    select
        submission_id,
        max(case when grading_rank = 1 then occurred_at end) as first_graded_at,
        max(case when has_response and response_rank = 1 then occurred_at end) as feedback_at,
        max(case when grading_rank = 1 then actor_teacher_key end) as grader_teacher_key,
        max(case when grading_rank = 1 then landed_day end) as first_graded_landed_day,
        max(case when has_response and response_rank = 1 then landed_day end) as feedback_landed_day
    from ranked
    group by submission_id
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
    coalesce(g.feedback_at <= ({{ wudu_add_minutes('s.submitted_at', 'p.window_minutes') }}), false) as is_feedback_in_window,
    (
        g.feedback_at is null
        and ({{ wudu_add_minutes('s.submitted_at', 'p.window_minutes') }}) > h.last_event_at
    ) as is_pending,
    g.first_graded_landed_day,
    g.feedback_landed_day,
    a.assigned_day as assignment_landed_day,
    p.feedback_window_hours
from subs s
cross join params p
left join {{ ref('int_homework_assignments') }} a on a.homework_id = s.homework_id
left join grading g on g.submission_id = s.submission_id
left join {{ ref('int_data_horizon') }} h on h.district_id = s.district_id
