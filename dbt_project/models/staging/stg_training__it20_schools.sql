-- 信息技术应用能力提升工程2.0 整校推进学校: renamed and cast, one row per school_code per snapshot day.
select
    cast(school_code as {{ dbt.type_string() }})      as school_code,
    cast(school_name as {{ dbt.type_string() }})      as school_name,
    cast(batch as {{ dbt.type_string() }})            as batch,
    cast(plan_approved as {{ dbt.type_boolean() }})   as plan_approved,
    cast(teachers_enrolled as {{ dbt.type_int() }})   as teachers_enrolled,
    cast(teachers_qualified as {{ dbt.type_int() }})  as teachers_qualified,
    cast(micro_abilities as {{ dbt.type_int() }})     as micro_abilities,
    cast(school_result as {{ dbt.type_string() }})    as school_result,
    {{ loader_metadata() }}
from {{ source('training', 'it20_schools') }}
