-- One row per smart-classroom lesson session (per landing day).
select
    cast(session_id as string)             as session_id,
    cast(classroom_id as string)           as classroom_id,
    cast(school_id as string)              as school_id,
    cast(class_id as string)               as class_id,
    cast(teacher_id as string)             as teacher_id,
    cast(subject as string)                as subject,
    cast(start_time as timestamp)           as start_time,
    cast(end_time as timestamp)             as end_time,
    cast(students_present as integer)       as students_present,
    cast(responding_students as integer)    as responding_students,
    cast(interactions as integer)           as interactions,
    cast(group_activity_minutes as double)  as group_activity_minutes,
    cast(digital_tools as string)          as digital_tools,
    cast(teacher_talk_share as double)      as teacher_talk_share,
    cast(activity_forms as string)         as activity_forms,
    {{ loader_metadata() }}
from {{ source('platform', 'lesson_sessions') }}
