-- One row per smart-classroom lesson session. Incremental by day (= landing day = start_time's
-- day): a run replaces exactly the days of its window. Teacher attributes are those of the
-- teacher version valid on the lesson's day.
with src as (
    {{ window_rows('stg_platform__lesson_sessions', ['session_id']) }}
),
joined as (
    select
        s.*,
        coalesce(sch.district_id, {{ default_district() }}) as district_id,
        sch.school_key,
        cls.class_key,
        t.teacher_key,
        t.teacher_version_key
    from src s
    left join {{ ref('dim_school') }} sch on sch.school_id = s.school_id
    left join {{ ref('dim_class') }} cls on cls.class_id = s.class_id
    left join {{ ref('dim_teacher') }} t
        on t.teacher_id = s.teacher_id and {{ valid_version('t', 's.partition_day') }}
)
select
    {{ key('session_key') }} as session_key,
    district_id,
    partition_day as day,
    session_id,
    school_key,
    school_id,
    class_key,
    class_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    classroom_id,
    subject,
    start_time,
    end_time,
    greatest(0, {{ dbt.datediff('start_time', 'end_time', 'second') }}) / 60.0 as duration_minutes,
    students_present,
    responding_students,
    case
        when students_present > 0 and responding_students is not null
        then least(1.0, responding_students * 1.0 / students_present)
    end as response_share,
    interactions,
    group_activity_minutes,
    {{ wudu_count_distinct_items('digital_tools', ';') }} as digital_tools_count,
    teacher_talk_share,
    activity_forms,
    -- 活动创新性 evidence: distinct activity forms of the lesson (an empty cell = none)
    {{ wudu_count_distinct_items('activity_forms', ';') }} as activity_forms_count
from joined
