-- One row per role assignment per roster snapshot day.
select
    cast(sourced_id as string)         as role_assignment_id,
    cast(status as string)             as status,
    cast(user_sourced_id as string)    as user_id,
    cast(role_type as string)          as role_type,
    cast(role as string)               as role,
    cast(org_sourced_id as string)     as org_id,
    cast(begin_date as date)            as begin_date,
    cast(end_date as date)              as end_date,
    {{ loader_metadata() }}
from {{ source('roster', 'roles') }}
