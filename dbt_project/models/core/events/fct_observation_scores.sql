-- One row per lesson observation (听评课) and rubric indicator, score 1-5 and 0-100.
-- Incremental by day (= observed_on). Teacher version valid on the observation day.
with src as (
    {{ window_rows('stg_platform__observations', ['observation_id', 'indicator_code']) }}
),
joined as (
    {{ with_teacher_version('src') }}
)
select
    {{ key('observation_score_key') }} as observation_score_key,
    district_id,
    partition_day as day,
    observed_on,
    observation_id,
    observer_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    session_id,
    observation_type,
    evaluator_role,
    rubric_version,
    indicator_code,
    score,
    {{ rubric_to_100('score') }} as score_100,
    coalesce(trim(comment), '') <> '' as has_comment
from joined
