-- 课题过程节点 (申报备案→开题论证→中期检查→结题鉴定): renamed and cast, one row per topic_id, milestone per snapshot day.
select
    cast(topic_id as {{ dbt.type_string() }})       as topic_id,
    cast(milestone as {{ dbt.type_string() }})      as milestone,
    cast(due_date as date)                          as due_date,
    cast(done_date as date)                         as done_date,
    cast(review_result as {{ dbt.type_string() }})  as review_result,
    {{ loader_metadata() }}
from {{ source('training', 'topic_milestones') }}
