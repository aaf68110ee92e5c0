-- One row per lesson observation and rubric indicator (per landing day).
select
    cast(observation_id as string)     as observation_id,
    cast(observer_id as string)        as observer_id,
    cast(teacher_id as string)         as teacher_id,
    cast(session_id as string)         as session_id,
    cast(observed_on as date)           as observed_on,
    cast(observation_type as string)   as observation_type,
    cast(evaluator_role as string)     as evaluator_role,
    cast(rubric_version as string)     as rubric_version,
    cast(indicator_code as string)     as indicator_code,
    cast(score as double)               as score,
    cast(comment as string)            as comment,
    {{ loader_metadata() }}
from {{ source('platform', 'observations') }}
