-- One row per course per roster snapshot day.
select
    cast(sourced_id as string)             as course_id,
    cast(status as string)                 as status,
    cast(title as string)                  as course_title,
    cast(school_year_sourced_id as string) as school_year_session_id,
    cast(course_code as string)            as course_code,
    cast(grades as string)                 as grades,
    cast(subjects as string)               as subjects,
    cast(org_sourced_id as string)         as school_id,
    {{ loader_metadata() }}
from {{ source('roster', 'courses') }}
