-- One row per training sign-in (per landing day). The teacher's name exists only as a hash.
select
    cast(signin_id as string)          as signin_id,
    cast(teacher_id as string)         as teacher_id,
    cast(teacher_name_hash as string)  as teacher_name_hash,
    cast(project_id as string)         as project_id,
    cast(signin_date as date)           as signin_date,
    cast(sign_in_time as string)       as sign_in_time,
    cast(sign_out_time as string)      as sign_out_time,
    cast(hours as double)               as hours,
    {{ loader_metadata() }}
from {{ source('training', 'signins') }}
