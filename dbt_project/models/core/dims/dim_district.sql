-- One row per district org (the tenant of every key).
select
    {{ key('district_key', district_id='org_id') }} as district_key,
    org_id as district_id,
    org_name as district_name,
    org_code as district_code,
    is_current
from {{ ref('int_orgs') }}
where org_type = 'district'
