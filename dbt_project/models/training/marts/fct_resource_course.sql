-- The 区校一体化 course resource library (课程资源库, seed 000: 839 courses 入库): one row per
-- course of the latest list with its review status, developer and use by teachers over all landed
-- days (uses, distinct teachers, study minutes, downloads). Business rules: doc resource_rules.
with courses as (
    {{ current_snapshot('stg_training__resource_courses') }}
),
uses as (
    select
        course_id,
        count(*) as uses,
        count(distinct teacher_id) as teachers,
        count(case when action = '学习' then 1 end) as study_uses,
        count(case when action = '下载' then 1 end) as downloads,
        coalesce(sum(minutes), 0) as study_minutes,
        min(day) as first_use_day,
        max(day) as last_use_day
    from {{ ref('fct_resource_uses') }}
    group by course_id
)
select
    {{ key('course_key', 'c') }} as course_key,
    c.district_id,
    c.course_id,
    c.course_name,
    c.subject,
    c.school_stage,
    c.review_status,
    c.review_status = '入库' as is_listed,
    c.course_hours,
    c.listed_date,
    c.developer_teacher_key,
    {{ zero_if_missing('u', ['uses', 'teachers', 'study_uses', 'downloads', 'study_minutes']) }},
    u.first_use_day,
    u.last_use_day
from (
    select
        s.*,
        coalesce(t.district_id, {{ default_district() }}) as district_id,
        t.teacher_key as developer_teacher_key
    from courses s
    left join {{ ref('dim_teacher') }} t on t.teacher_id = s.developer_id and t.is_last_version
) c
left join uses u on u.course_id = c.course_id
