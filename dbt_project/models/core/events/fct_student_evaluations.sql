-- One row per anonymous student 评教 questionnaire and item, score 1-5 and 0-100. Incremental by
-- day (= the submission day). Teacher version valid on that day. No student identity exists.
with src as (
    {{ window_rows('stg_platform__student_evaluations', ['response_id', 'item_code']) }}
),
joined as (
    {{ with_teacher_version('src') }}
)
select
    {{ key('student_evaluation_key') }} as student_evaluation_key,
    district_id,
    partition_day as day,
    submitted_at,
    response_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    class_id,
    item_code,
    score,
    {{ rubric_to_100('score') }} as score_100
from joined
