-- 课程资源使用记录: renamed and cast, one row per use_id per landing day.
select
    cast(use_id as {{ dbt.type_string() }})      as use_id,
    cast(course_id as {{ dbt.type_string() }})   as course_id,
    cast(teacher_id as {{ dbt.type_string() }})  as teacher_id,
    cast(action as {{ dbt.type_string() }})      as action,
    cast(used_at as {{ dbt.type_timestamp() }})  as used_at,
    cast(minutes as double)      as minutes,
    {{ loader_metadata() }}
from {{ source('training', 'resource_uses') }}
