-- One row per course per roster snapshot day.
select
    cast(sourced_id as varchar)             as course_id,
    cast(status as varchar)                 as status,
    cast(title as varchar)                  as course_title,
    cast(school_year_sourced_id as varchar) as school_year_session_id,
    cast(course_code as varchar)            as course_code,
    cast(grades as varchar)                 as grades,
    cast(subjects as varchar)               as subjects,
    cast(org_sourced_id as varchar)         as school_id,
    {{ loader_metadata() }}
from {{ source('roster', 'courses') }}
