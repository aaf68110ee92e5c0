-- The members of every current topic (课题组成员), one row per topic and teacher, with the
-- teacher's durable key (the last roster version) and the topic's tenant.
with members as (
    {{ current_snapshot('stg_training__topic_members') }}
)
select
    t.topic_key,
    t.district_id,
    t.topic_id,
    m.member_id as teacher_id,
    d.teacher_key,
    m.member_role
from members m
join {{ ref('int_research_topics') }} t on t.topic_id = m.topic_id
left join {{ ref('dim_teacher') }} d on d.teacher_id = m.member_id and d.is_last_version
