-- 历年学时档案 (窗口之前已认定的继续教育学时): renamed and cast, one row per teacher_id, credit_year per snapshot day.
-- Personal data (身份证号) stops at raw (hashed there): not selected.
select
    cast(teacher_id as {{ dbt.type_string() }})         as teacher_id,
    cast(credit_year as {{ dbt.type_int() }})           as credit_year,
    cast(through_date as date)                          as through_date,
    cast(recognised_hours as double)    as recognised_hours,
    cast(recognised_credits as double)  as recognised_credits,
    {{ loader_metadata() }}
from {{ source('training', 'hour_archive') }}
