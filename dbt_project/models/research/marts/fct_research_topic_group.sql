-- 1+N topic groups (课题群, seed 000): one lead topic (主课题) and N sub-topics (子课题) under one
-- group id; per group its size, stage mix, overdue topics, teachers involved and outputs.
with grouped as (
    select * from {{ ref('fct_research_topic') }} where group_id is not null
),
sizes as (
    select
        district_id,
        group_id,
        count(*) as topics,
        count(case when not is_group_lead then 1 end) as sub_topics,
        count(case when is_group_lead then 1 end) as lead_topics,
        count(case when is_concluded then 1 end) as concluded_topics,
        count(case when is_overdue then 1 end) as overdue_topics,
        sum(outputs) as outputs
    from grouped
    group by district_id, group_id
),
leads as (
    select district_id, group_id, topic_id as lead_topic_id, topic_name as lead_topic_name, topic_level as lead_level
    from grouped
    where is_group_lead
),
teachers as (
    select g.district_id, g.group_id, count(distinct m.teacher_id) as teachers_involved
    from grouped g
    join {{ ref('int_topic_members') }} m on m.topic_key = g.topic_key
    group by g.district_id, g.group_id
)
select
    {{ key('topic_group_key', 's') }} as topic_group_key,
    s.district_id,
    s.group_id,
    l.lead_topic_id,
    l.lead_topic_name,
    l.lead_level,
    s.lead_topics,
    s.sub_topics,
    s.topics,
    s.concluded_topics,
    s.overdue_topics,
    coalesce(t.teachers_involved, 0) as teachers_involved,
    s.outputs
from sizes s
left join leads l on l.district_id = s.district_id and l.group_id = s.group_id
left join teachers t on t.district_id = s.district_id and t.group_id = s.group_id
