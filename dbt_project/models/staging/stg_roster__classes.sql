-- One row per class per roster snapshot day.
select
    cast(sourced_id as string)         as class_id,
    cast(status as string)             as status,
    cast(title as string)              as class_title,
    cast(grades as string)             as grades,
    cast(course_sourced_id as string)  as course_id,
    cast(class_code as string)         as class_code,
    cast(class_type as string)         as class_type,
    cast(school_sourced_id as string)  as school_id,
    cast(term_sourced_ids as string)   as term_session_ids,
    cast(subjects as string)           as subjects,
    {{ loader_metadata() }}
from {{ source('roster', 'classes') }}
