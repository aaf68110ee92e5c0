-- One row per training sign-in (签到). Incremental by day (= signin_date). Teacher version valid
-- on the sign-in day; the district is the teacher's.
with src as (
    {{ window_rows('stg_training__signins', ['signin_id']) }}
),
with_teacher as (
    {{ with_teacher_version('src') }}
),
joined as (
    select s.*, p.project_key
    from with_teacher s
    left join {{ ref('dim_training_project') }} p on p.project_id = s.project_id
)
select
    {{ key('signin_key') }} as signin_key,
    district_id,
    partition_day as day,
    signin_date,
    signin_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    project_key,
    project_id,
    sign_in_time,
    sign_out_time,
    hours
from joined
