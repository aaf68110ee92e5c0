-- One row per homework assignment: the first `assigned` statement of each homework
-- (homework_id = the statement's assignment extension, else the last path segment of its object id,
-- so 'http://wudu.local/homework/hw-1' and assignment 'hw-1' name the same homework).
with assigned as (
    select
        *,
        coalesce(assignment_id, regexp_extract(object_id, '([^/]+)$', 1)) as homework_id
    from {{ ref('fct_xapi_statements') }}
    where verb = 'assigned'
      and coalesce(object_type, 'homework') = 'homework'
)
select
    homework_id,
    district_id,
    actor_teacher_key as teacher_key,
    actor_id as teacher_id,
    class_id,
    subject,
    day as assigned_day,
    occurred_at as assigned_at,
    due_at,
    coalesce(is_layered, false) as is_layered,
    is_written
from assigned
qualify row_number() over (partition by homework_id order by occurred_at, statement_id) = 1
