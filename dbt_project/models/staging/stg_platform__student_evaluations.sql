-- One row per anonymous student 评教 questionnaire and item (per landing day).
select
    cast(response_id as string)        as response_id,
    cast(teacher_id as string)         as teacher_id,
    cast(class_id as string)           as class_id,
    cast(item_code as string)          as item_code,
    cast(score as integer)              as score,
    cast(submitted_at as timestamp)     as submitted_at,
    {{ loader_metadata() }}
from {{ source('platform', 'student_evaluations') }}
