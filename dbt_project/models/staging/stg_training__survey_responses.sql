-- One row per survey answer (response x item, per landing day).
select
    cast(response_id as string)        as response_id,
    cast(project_id as string)         as project_id,
    cast(teacher_id as string)         as teacher_id,
    cast(item_code as string)          as item_code,
    cast(item_text as string)          as item_text,
    cast(score as integer)              as score,
    cast(submitted_at as timestamp)     as submitted_at,
    {{ loader_metadata() }}
from {{ source('training', 'survey_responses') }}
