-- One row per use of a 课程资源库 course by a teacher (浏览 / 学习 / 下载 / 收藏). Incremental by
-- day (= the day of used_at). The teacher version is the one valid on the day.
with src as (
    {{ window_rows('stg_training__resource_uses', ['use_id']) }}
),
joined as (
    {{ with_teacher_version('src') }}
)
select
    {{ key('resource_use_key') }} as resource_use_key,
    district_id,
    partition_day as day,
    used_at,
    use_id,
    course_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    action,
    minutes
from joined
