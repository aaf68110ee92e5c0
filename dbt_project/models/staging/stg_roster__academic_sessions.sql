-- One row per academic session (school year / term / semester / grading period) per roster snapshot day.
select
    cast(sourced_id as string)         as academic_session_id,
    cast(status as string)             as status,
    cast(title as string)              as title,
    cast(type as string)               as session_type,
    cast(start_date as date)            as start_date,
    cast(end_date as date)              as end_date,
    cast(parent_sourced_id as string)  as parent_academic_session_id,
    cast(school_year as integer)        as school_year,
    {{ loader_metadata() }}
from {{ source('roster', 'academic_sessions') }}
