-- 科研课题 (课题管理系统立项清单): renamed and cast, one row per topic_id per snapshot day.
-- Personal data (主持人姓名, 主持人手机号) stops at raw (hashed there): not selected.
select
    cast(topic_id as {{ dbt.type_string() }})    as topic_id,
    cast(topic_name as {{ dbt.type_string() }})  as topic_name,
    cast(level as {{ dbt.type_string() }})       as topic_level,
    cast(category as {{ dbt.type_string() }})    as category,
    cast(group_id as {{ dbt.type_string() }})    as group_id,
    cast(group_role as {{ dbt.type_string() }})  as group_role,
    cast(leader_id as {{ dbt.type_string() }})   as leader_id,
    cast(school_id as {{ dbt.type_string() }})   as school_id,
    cast(subject as {{ dbt.type_string() }})     as subject,
    cast(stage as {{ dbt.type_string() }})       as topic_stage,
    cast(approved_date as date)                  as approved_date,
    cast(planned_end_date as date)               as planned_end_date,
    cast(conclusion as {{ dbt.type_string() }})  as conclusion,
    {{ loader_metadata() }}
from {{ source('training', 'research_topics') }}
