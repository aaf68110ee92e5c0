-- One row per training sign-in (签到). Incremental by day (= signin_date). Teacher version valid
-- on the sign-in day; the district is the teacher's.
with src as (
    select *
    from {{ ref('stg_training__signins') }}
    where {{ in_window('partition_day') }}
    qualify row_number() over (
        partition by signin_id, partition_day
        order by loaded_at desc, source_row_number desc
    ) = 1
),
joined as (
    select
        s.*,
        coalesce(t.district_id, {{ default_district() }}) as district_id,
        t.teacher_key,
        t.teacher_version_key,
        p.project_key
    from src s
    left join {{ ref('dim_teacher') }} t
        on t.teacher_id = s.teacher_id and {{ valid_version('t', 's.partition_day') }}
    left join {{ ref('dim_training_project') }} p on p.project_id = s.project_id
)
select
    {{ wudu_key('district_id', 'signin_id') }} as signin_key,
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
