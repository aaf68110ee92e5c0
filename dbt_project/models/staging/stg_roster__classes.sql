-- One row per class per roster snapshot day.
select
    cast(sourced_id as varchar)         as class_id,
    cast(status as varchar)             as status,
    cast(title as varchar)              as class_title,
    cast(grades as varchar)             as grades,
    cast(course_sourced_id as varchar)  as course_id,
    cast(class_code as varchar)         as class_code,
    cast(class_type as varchar)         as class_type,
    cast(school_sourced_id as varchar)  as school_id,
    cast(term_sourced_ids as varchar)   as term_session_ids,
    cast(subjects as varchar)           as subjects,
    {{ loader_metadata() }}
from {{ source('roster', 'classes') }}
