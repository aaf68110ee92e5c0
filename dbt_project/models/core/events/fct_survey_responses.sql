-- One row per satisfaction-survey answer (response x item, score 1-5). Incremental by day
-- (= submitted_at's day). The respondent teacher is optional (anonymous surveys); the district
-- is the project's.
with src as (
    {{ window_rows('stg_training__survey_responses', ['response_id', 'item_code']) }}
),
joined as (
    select
        r.*,
        coalesce(p.district_id, {{ default_district() }}) as district_id,
        p.project_key,
        t.teacher_key,
        t.teacher_version_key
    from src r
    left join {{ ref('dim_training_project') }} p on p.project_id = r.project_id
    left join {{ ref('dim_teacher') }} t
        on t.teacher_id = r.teacher_id and {{ valid_version('t', 'r.partition_day') }}
)
select
    {{ key('survey_answer_key') }} as survey_answer_key,
    district_id,
    partition_day as day,
    submitted_at,
    response_id,
    project_key,
    project_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    item_code,
    score
from joined
