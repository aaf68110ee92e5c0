-- Every process milestone of every current topic (申报备案 → 开题论证 → 中期检查 → 结题鉴定) with its
-- order and status on the topic's as-of day. Business rules: doc research_milestone_rules.
with milestones as (
    {{ current_snapshot('stg_training__topic_milestones') }}
)
select
    t.topic_key,
    t.district_id,
    t.topic_id,
    m.milestone,
    s.stage_order,
    m.due_date,
    m.done_date,
    m.review_result,
    t.as_of_day,
    m.done_date is not null as is_done,
    coalesce(m.done_date > m.due_date, false) as is_done_late,
    m.done_date is null and m.due_date < t.as_of_day as is_overdue,
    case when m.done_date is null and m.due_date < t.as_of_day
         then {{ dbt.datediff('m.due_date', 't.as_of_day', 'day') }} end as days_overdue
from milestones m
join {{ ref('int_research_topics') }} t on t.topic_id = m.topic_id
join {{ ref('research_stages') }} s on s.stage = m.milestone
