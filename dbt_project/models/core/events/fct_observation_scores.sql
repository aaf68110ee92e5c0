-- One row per lesson observation (听评课) and rubric indicator, score 1-5 and 0-100.
-- Incremental by day (= observed_on). Teacher version valid on the observation day.
with src as (
    select *
    from {{ ref('stg_platform__observations') }}
    where {{ in_window('partition_day') }}
    qualify row_number() over (
        partition by observation_id, indicator_code, partition_day
        order by loaded_at desc, source_row_number desc
    ) = 1
),
joined as (
    select
        o.*,
        coalesce(t.district_id, {{ default_district() }}) as district_id,
        t.teacher_key,
        t.teacher_version_key
    from src o
    left join {{ ref('dim_teacher') }} t
        on t.teacher_id = o.teacher_id and {{ valid_version('t', 'o.partition_day') }}
)
select
    {{ wudu_key('district_id', 'observation_id', 'indicator_code') }} as observation_score_key,
    district_id,
    partition_day as day,
    observed_on,
    observation_id,
    observer_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    session_id,
    indicator_code,
    score,
    {{ rubric_to_100('score') }} as score_100,
    coalesce(trim(comment), '') <> '' as has_comment
from joined
