-- One row per enrollment (student in class / teacher of class) per roster snapshot day.
select
    cast(sourced_id as varchar)         as enrollment_id,
    cast(status as varchar)             as status,
    cast(class_sourced_id as varchar)   as class_id,
    cast(school_sourced_id as varchar)  as school_id,
    cast(user_sourced_id as varchar)    as user_id,
    cast(role as varchar)               as role,
    cast(is_primary as boolean)         as is_primary,
    cast(begin_date as date)            as begin_date,
    cast(end_date as date)              as end_date,
    {{ loader_metadata() }}
from {{ source('roster', 'enrollments') }}
