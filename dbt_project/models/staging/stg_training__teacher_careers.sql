-- 教师发展档案 (花名册扩展：教龄、教师资格、骨干、试用期): renamed and cast, one row per teacher_id per snapshot day.
-- Personal data (姓名, 身份证号, 手机号) stops at raw (hashed there): not selected.
select
    cast(teacher_id as {{ dbt.type_string() }})           as teacher_id,
    cast(hire_date as date)                               as hire_date,
    cast(certificate_type as {{ dbt.type_string() }})     as certificate_type,
    cast(certificate_year as {{ dbt.type_int() }})        as certificate_year,
    cast(registration_status as {{ dbt.type_string() }})  as registration_status,
    cast(backbone_level as {{ dbt.type_string() }})       as backbone_level,
    cast(backbone_year as {{ dbt.type_int() }})           as backbone_year,
    cast(annual_review as {{ dbt.type_string() }})        as annual_review,
    cast(cycle_review as {{ dbt.type_string() }})         as cycle_review,
    cast(probation_start as date)                         as probation_start,
    cast(probation_end as date)                           as probation_end,
    cast(probation_hours as double)       as probation_hours,
    cast(probation_result as {{ dbt.type_string() }})     as probation_result,
    {{ loader_metadata() }}
from {{ source('training', 'teacher_careers') }}
