-- The research topics (课题) of the latest 课题立项 delivery, with their tenant, keys and the
-- as-of day milestones are judged against: the district's last data day (int_data_horizon), or the
-- delivery's day when the district has no event data yet.
with topics as (
    {{ current_snapshot('stg_training__research_topics') }}
),
resolved as (
    select
        tp.*,
        coalesce(t.district_id, o.district_id, {{ default_district() }}) as district_id,
        t.teacher_key as leader_teacher_key
    from topics tp
    left join {{ ref('dim_teacher') }} t on t.teacher_id = tp.leader_id and t.is_last_version
    left join {{ ref('int_orgs') }} o on o.org_id = tp.school_id
)
select
    {{ key('topic_key', 'r') }} as topic_key,
    r.district_id,
    r.topic_id,
    r.topic_name,
    r.topic_level,
    r.category,
    r.group_id,
    coalesce(r.group_role = '主课题', false) as is_group_lead,
    r.leader_id,
    r.leader_teacher_key,
    r.school_id,
    case when r.school_id is not null then {{ key('school_key', 'r') }} end as school_key,
    r.subject,
    r.topic_stage,
    r.approved_date,
    r.planned_end_date,
    r.conclusion,
    coalesce(h.last_day, r.partition_day) as as_of_day,
    r.partition_day as snapshot_day
from resolved r
left join {{ ref('int_data_horizon') }} h on h.district_id = r.district_id
