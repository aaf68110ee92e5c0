-- 区校一体化课程资源库: renamed and cast, one row per course_id per snapshot day.
-- Personal data (开发教师姓名) stops at raw (hashed there): not selected.
select
    cast(course_id as {{ dbt.type_string() }})      as course_id,
    cast(course_name as {{ dbt.type_string() }})    as course_name,
    cast(subject as {{ dbt.type_string() }})        as subject,
    cast(stage as {{ dbt.type_string() }})          as school_stage,
    cast(developer_id as {{ dbt.type_string() }})   as developer_id,
    cast(review_status as {{ dbt.type_string() }})  as review_status,
    cast(course_hours as double)    as course_hours,
    cast(listed_date as date)                       as listed_date,
    {{ loader_metadata() }}
from {{ source('training', 'resource_courses') }}
