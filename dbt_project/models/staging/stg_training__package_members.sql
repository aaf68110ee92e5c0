-- 项目包学员名单: renamed and cast, one row per project_id, teacher_id per snapshot day.
-- Personal data (教师姓名, 手机号) stops at raw (hashed there): not selected.
select
    cast(project_id as {{ dbt.type_string() }})      as project_id,
    cast(teacher_id as {{ dbt.type_string() }})      as teacher_id,
    cast(base_school_id as {{ dbt.type_string() }})  as base_school_id,
    cast(school_id as {{ dbt.type_string() }})       as school_id,
    cast(is_rural as {{ dbt.type_boolean() }})       as is_rural,
    cast(joined_date as date)                        as joined_date,
    {{ loader_metadata() }}
from {{ source('training', 'package_members') }}
