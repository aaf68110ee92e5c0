-- 课题组成员: renamed and cast, one row per topic_id, member_id per snapshot day.
-- Personal data (成员姓名, 身份证号) stops at raw (hashed there): not selected.
select
    cast(topic_id as {{ dbt.type_string() }})     as topic_id,
    cast(member_id as {{ dbt.type_string() }})    as member_id,
    cast(member_role as {{ dbt.type_string() }})  as member_role,
    {{ loader_metadata() }}
from {{ source('training', 'topic_members') }}
