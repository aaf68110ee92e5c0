-- One row per current research topic (课题): level, stage in the lifecycle
-- 申报备案 → 开题论证 → 中期检查 → 结题鉴定, its next milestone and whether one is overdue on the
-- as-of day, members and outputs. Business rules: doc research_milestone_rules.
with outputs_src as (
    {{ current_snapshot('stg_training__topic_outputs') }}
),
ms as (
    select
        topic_key,
        count(case when is_overdue then 1 end) as overdue_milestones,
        count(case when is_done_late then 1 end) as late_milestones,
        max(days_overdue) as days_overdue,
        min(case when not is_done then stage_order end) as next_stage_order
    from {{ ref('int_topic_milestones') }}
    group by topic_key
),
next_ms as (
    select m.topic_key, m.milestone as next_milestone, m.due_date as next_due_date
    from {{ ref('int_topic_milestones') }} m
    join ms on ms.topic_key = m.topic_key and m.stage_order = ms.next_stage_order
),
members as (
    select topic_key, count(distinct teacher_id) as members
    from {{ ref('int_topic_members') }}
    group by topic_key
),
outputs as (
    select
        t.topic_key,
        count(*) as outputs,
        count(case when o.award_level is not null and o.award_level <> '无' then 1 end) as awarded_outputs
    from outputs_src o
    join {{ ref('int_research_topics') }} t on t.topic_id = o.topic_id
    group by t.topic_key
)
select
    t.topic_key,
    t.district_id,
    t.topic_id,
    t.topic_name,
    t.topic_level,
    t.category,
    t.group_id,
    t.is_group_lead,
    t.leader_teacher_key,
    t.school_key,
    t.subject,
    t.topic_stage,
    s.stage_order,
    t.topic_stage = '结题鉴定' as is_concluded,
    t.conclusion,
    t.approved_date,
    t.planned_end_date,
    n.next_milestone,
    n.next_due_date,
    coalesce(ms.overdue_milestones, 0) as overdue_milestones,
    coalesce(ms.overdue_milestones, 0) > 0 as is_overdue,
    ms.days_overdue,
    coalesce(ms.late_milestones, 0) as late_milestones,
    coalesce(m.members, 0) as members,
    coalesce(o.outputs, 0) as outputs,
    coalesce(o.awarded_outputs, 0) as awarded_outputs,
    t.as_of_day
from {{ ref('int_research_topics') }} t
join {{ ref('research_stages') }} s on s.stage = t.topic_stage
left join ms on ms.topic_key = t.topic_key
left join next_ms n on n.topic_key = t.topic_key
left join members m on m.topic_key = t.topic_key
left join outputs o on o.topic_key = t.topic_key
