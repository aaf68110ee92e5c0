-- One row per survey answer (response x item, per landing day).
select
    cast(response_id as varchar)        as response_id,
    cast(project_id as varchar)         as project_id,
    cast(teacher_id as varchar)         as teacher_id,
    cast(item_code as varchar)          as item_code,
    cast(item_text as varchar)          as item_text,
    cast(score as integer)              as score,
    cast(submitted_at as timestamp)     as submitted_at,
    {{ loader_metadata() }}
from {{ source('training', 'survey_responses') }}
