-- One row per org per roster snapshot day. Rename and cast only.
select
    cast(sourced_id as string)         as org_id,
    cast(status as string)             as status,
    cast(date_last_modified as timestamp) as date_last_modified,
    cast(name as string)               as org_name,
    cast(type as string)               as org_type,
    cast(identifier as string)         as org_code,
    cast(parent_sourced_id as string)  as parent_org_id,
    cast(urban_rural as string)        as urban_rural,
    cast(stage as string)              as stage,
    cast(edu_group as string)          as edu_group,
    cast(is_smart_school as boolean)    as is_smart_school,
    cast(bandwidth_mbps as double)      as bandwidth_mbps,
    cast(teacher_devices as bigint)     as teacher_devices,
    cast(student_devices as bigint)     as student_devices,
    cast(smart_classrooms as bigint)    as smart_classrooms,
    {{ loader_metadata() }}
from {{ source('roster', 'orgs') }}
