-- One row per xAPI statement (per landing day). The free-text response stays here only.
select
    cast(statement_id as string)       as statement_id,
    cast(actor_id as string)           as actor_id,
    cast(verb as string)               as verb,
    cast(object_id as string)          as object_id,
    cast(object_type as string)        as object_type,
    cast(score_scaled as double)        as score_scaled,
    cast(success as boolean)            as success,
    cast(duration_seconds as double)    as duration_seconds,
    cast(response as string)           as response,
    cast(class_id as string)           as class_id,
    cast(school_id as string)          as school_id,
    cast(course_id as string)          as course_id,
    cast(session_id as string)         as session_id,
    cast(subject as string)            as subject,
    cast(assignment_id as string)      as assignment_id,
    cast(is_layered as boolean)         as is_layered,
    cast(is_written as boolean)         as is_written,
    cast(due_at as timestamp)           as due_at,
    cast("timestamp" as timestamp)      as occurred_at,
    {{ loader_metadata() }}
from {{ source('platform', 'xapi_statements') }}
