-- One row per role assignment per roster snapshot day.
select
    cast(sourced_id as varchar)         as role_assignment_id,
    cast(status as varchar)             as status,
    cast(user_sourced_id as varchar)    as user_id,
    cast(role_type as varchar)          as role_type,
    cast(role as varchar)               as role,
    cast(org_sourced_id as varchar)     as org_id,
    cast(begin_date as date)            as begin_date,
    cast(end_date as date)              as end_date,
    _partition_day                  as partition_day,
    _source_file                    as source_file,
    _row_number                     as source_row_number,
    _loaded_at                      as loaded_at
from {{ source('roster', 'roles') }}
