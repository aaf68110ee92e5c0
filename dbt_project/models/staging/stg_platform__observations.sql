-- One row per lesson observation and rubric indicator (per landing day).
select
    cast(observation_id as varchar)     as observation_id,
    cast(observer_id as varchar)        as observer_id,
    cast(teacher_id as varchar)         as teacher_id,
    cast(session_id as varchar)         as session_id,
    cast(observed_on as date)           as observed_on,
    cast(observation_type as varchar)   as observation_type,
    cast(evaluator_role as varchar)     as evaluator_role,
    cast(rubric_version as varchar)     as rubric_version,
    cast(indicator_code as varchar)     as indicator_code,
    cast(score as double)               as score,
    cast(comment as varchar)            as comment,
    {{ loader_metadata() }}
from {{ source('platform', 'observations') }}
