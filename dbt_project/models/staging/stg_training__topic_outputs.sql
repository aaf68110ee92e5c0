-- 课题成果与获奖: renamed and cast, one row per output_id per snapshot day.
select
    cast(output_id as {{ dbt.type_string() }})    as output_id,
    cast(topic_id as {{ dbt.type_string() }})     as topic_id,
    cast(output_type as {{ dbt.type_string() }})  as output_type,
    cast(title as {{ dbt.type_string() }})        as title,
    cast(award_level as {{ dbt.type_string() }})  as award_level,
    cast(output_date as date)                     as output_date,
    {{ loader_metadata() }}
from {{ source('training', 'topic_outputs') }}
