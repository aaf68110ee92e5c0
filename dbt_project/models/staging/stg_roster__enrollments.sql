-- One row per enrollment (student in class / teacher of class) per roster snapshot day.
select
    cast(sourced_id as string)         as enrollment_id,
    cast(status as string)             as status,
    cast(class_sourced_id as string)   as class_id,
    cast(school_sourced_id as string)  as school_id,
    cast(user_sourced_id as string)    as user_id,
    cast(role as string)               as role,
    cast(is_primary as boolean)         as is_primary,
    cast(begin_date as date)            as begin_date,
    cast(end_date as date)              as end_date,
    {{ loader_metadata() }}
from {{ source('roster', 'enrollments') }}
