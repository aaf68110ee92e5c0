-- Smart classroom use per school per month, from the district's first to last data day:
-- lessons and lesson hours in smart classrooms, subjects taught, 学科达标率 (subjects reaching the
-- monthly lesson target / subjects in scope) and 课时达标率 (lesson hours / smart classrooms x
-- target hours), targets from seeds/smart_classroom_targets.csv prorated to the school days of the
-- month inside the data window; devices per 100 teachers / students; resources up/downloaded.
with months as (
    select district_id, cast(m as date) as month_start, first_day, last_day
    from (
        select h.district_id, h.first_day, h.last_day,
            {{ wudu_date_series("cast(date_trunc('month', h.first_day) as date)", "cast(date_trunc('month', h.last_day) as date)", 'month') }} as m
        from {{ ref('int_data_horizon') }} h
    ) series
),
month_days as (
    select
        m.district_id,
        m.month_start,
        count(case when d.is_school_day then 1 end) as school_days_in_month,
        count(case when d.is_school_day and d.date_day between m.first_day and m.last_day then 1 end) as school_days_in_scope
    from months m
    join {{ ref('dim_date') }} d on d.month_start = m.month_start
    group by all
),
targets as (
    select
        s.school_key,
        coalesce(t1.min_lessons_per_subject_month, t2.min_lessons_per_subject_month) as min_lessons_per_subject_month,
        coalesce(t1.target_hours_per_classroom_month, t2.target_hours_per_classroom_month) as target_hours_per_classroom_month
    from {{ ref('dim_school') }} s
    left join {{ ref('smart_classroom_targets') }} t1 on t1.stage = s.stage
    left join {{ ref('smart_classroom_targets') }} t2 on t2.stage = '*'
),
lessons as (
    select
        school_key,
        cast(date_trunc('month', day) as date) as month_start,
        subject,
        count(*) as lessons,
        sum(duration_minutes) / 60.0 as lesson_hours,
        count(distinct teacher_key) as teachers
    from {{ ref('fct_lesson_sessions') }}
    where school_key is not null
    group by all
),
lesson_month as (
    select
        school_key,
        month_start,
        cast(sum(lessons) as integer) as smart_lessons,
        sum(lesson_hours) as smart_lesson_hours,
        count(distinct subject) as subjects_taught
    from lessons
    group by all
),
teachers_month as (
    select school_key, cast(date_trunc('month', day) as date) as month_start, count(distinct teacher_key) as teachers_teaching
    from {{ ref('fct_lesson_sessions') }}
    where school_key is not null
    group by all
),
offered as (
    select distinct school_key, trim(subject) as subject
    from (
        select c.school_key, {{ wudu_split_rows("coalesce(c.subjects, '')", ',') }} as subject
        from {{ ref('dim_class') }} c
        where c.is_current
    ) s
    where trim(subject) <> ''
),
subjects_all as (
    select school_key, subject from offered
    union
    select school_key, subject from lessons where subject is not null
),
subject_grid as (
    select
        s.school_key,
        md.month_start,
        o.subject,
        t.min_lessons_per_subject_month * md.school_days_in_scope / nullif(md.school_days_in_month, 0) as lesson_target
    from {{ ref('dim_school') }} s
    join month_days md on md.district_id = s.district_id
    join targets t on t.school_key = s.school_key
    join subjects_all o on o.school_key = s.school_key
),
subjects_in_scope as (
    select
        g.school_key,
        g.month_start,
        count(*) as subjects_in_scope,
        count(case when l.lessons >= g.lesson_target then 1 end) as subjects_meeting_target
    from subject_grid g
    left join lessons l on l.school_key = g.school_key and l.month_start = g.month_start and l.subject = g.subject
    group by g.school_key, g.month_start
),
resources as (
    select
        school_key,
        cast(date_trunc('month', day) as date) as month_start,
        count(case when verb = 'uploaded' then 1 end) as resources_uploaded,
        count(case when verb = 'downloaded' then 1 end) as resources_downloaded
    from {{ ref('fct_xapi_statements') }}
    where verb in ('uploaded', 'downloaded') and school_key is not null
    group by all
),
grid as (
    select
        s.school_key,
        s.school_id,
        s.district_id,
        s.stage,
        s.urban_rural,
        s.smart_classrooms,
        md.month_start,
        md.school_days_in_month,
        md.school_days_in_scope,
        t.min_lessons_per_subject_month,
        t.target_hours_per_classroom_month
    from {{ ref('dim_school') }} s
    join month_days md on md.district_id = s.district_id
    join targets t on t.school_key = s.school_key
    where s.is_current
)
select
    {{ key('school_month_key', 'g') }} as school_month_key,
    g.district_id,
    g.school_key,
    g.school_id,
    g.month_start,
    g.stage,
    g.urban_rural,
    g.school_days_in_month,
    g.school_days_in_scope,
    {{ zero_if_missing('lm', ['smart_lessons', 'smart_lesson_hours']) }},
    coalesce(tm.teachers_teaching, 0) as teachers_teaching,
    coalesce(lm.subjects_taught, 0) as subjects_taught,
    {{ zero_if_missing('si', ['subjects_in_scope', 'subjects_meeting_target']) }},
    {{ pct('si.subjects_meeting_target', 'si.subjects_in_scope') }} as subject_attainment_pct,
    g.smart_classrooms,
    g.smart_classrooms * g.target_hours_per_classroom_month * g.school_days_in_scope / nullif(g.school_days_in_month, 0)
        as target_lesson_hours,
    {{ against_target(
        'coalesce(lm.smart_lesson_hours, 0)',
        'g.smart_classrooms * g.target_hours_per_classroom_month * g.school_days_in_scope / nullif(g.school_days_in_month, 0)') }}
        as lesson_hours_attainment_pct,
    sch.teacher_devices,
    sch.student_devices,
    sch.teacher_devices_per_100_teachers,
    sch.student_devices_per_100_students,
    {{ zero_if_missing('r', ['resources_uploaded', 'resources_downloaded']) }}
from grid g
join {{ ref('dim_school') }} sch on sch.school_key = g.school_key
left join lesson_month lm on lm.school_key = g.school_key and lm.month_start = g.month_start
left join teachers_month tm on tm.school_key = g.school_key and tm.month_start = g.month_start
left join subjects_in_scope si on si.school_key = g.school_key and si.month_start = g.month_start
left join resources r on r.school_key = g.school_key and r.month_start = g.month_start
