-- Research topics by level and stage per district (the centre's 课题 overview, seeds 000 and 004):
-- topics, overdue topics, distinct teachers involved, outputs and awarded outputs.
with involved as (
    select t.district_id, t.topic_level, t.topic_stage, count(distinct m.teacher_id) as teachers_involved
    from {{ ref('fct_research_topic') }} t
    join {{ ref('int_topic_members') }} m on m.topic_key = t.topic_key
    group by t.district_id, t.topic_level, t.topic_stage
),
topics as (
    select
        district_id,
        topic_level,
        topic_stage,
        min(stage_order) as stage_order,
        count(*) as topics,
        count(case when is_overdue then 1 end) as overdue_topics,
        sum(outputs) as outputs,
        sum(awarded_outputs) as awarded_outputs
    from {{ ref('fct_research_topic') }}
    group by district_id, topic_level, topic_stage
)
select
    {{ key('research_stage_key', 't') }} as research_stage_key,
    t.district_id,
    t.topic_level,
    t.topic_stage,
    t.stage_order,
    t.topics,
    t.overdue_topics,
    {{ pct('t.overdue_topics', 't.topics') }} as overdue_pct,
    coalesce(i.teachers_involved, 0) as teachers_involved,
    t.outputs,
    t.awarded_outputs
from topics t
left join involved i
    on i.district_id = t.district_id and i.topic_level = t.topic_level and i.topic_stage = t.topic_stage
