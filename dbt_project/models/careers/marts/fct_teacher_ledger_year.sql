-- The three ledgers per trainee and calendar year (seed 001: 学习计划台账 / 能力成长台账 /
-- 工作实践台账) with the evidence the centre holds beside them: training sign-ins and 学时,
-- research topics the teacher belongs to, and lessons observed (evaluation evidence).
-- Business rules: doc ledger_rules.
with ledger as (
    select
        teacher_key,
        extract(year from entry_date) as ledger_year,
        count(case when ledger = '学习计划' then 1 end) as plan_entries,
        count(case when ledger = '能力成长' then 1 end) as growth_entries,
        count(case when ledger = '工作实践' then 1 end) as practice_entries,
        sum(attachments) as attachments
    from {{ ref('fct_ledger_entries') }}
    where teacher_key is not null
    group by teacher_key, extract(year from entry_date)
),
training as (
    select
        teacher_key,
        extract(year from signin_date) as ledger_year,
        count(distinct signin_date) as training_days,
        count(distinct project_id) as training_projects,
        sum(hours) as training_hours
    from {{ ref('fct_training_signins') }}
    where teacher_key is not null
    group by teacher_key, extract(year from signin_date)
),
observed as (
    select
        teacher_key,
        extract(year from observed_on) as ledger_year,
        count(distinct observation_id) as observations_received
    from {{ ref('fct_observation_scores') }}
    where teacher_key is not null
    group by teacher_key, extract(year from observed_on)
),
topics as (
    {{ current_snapshot('stg_training__research_topics') }}
),
members as (
    {{ current_snapshot('stg_training__topic_members') }}
),
research as (
    -- a topic is research evidence in every year from its approval until it is concluded
    select
        d.teacher_key,
        y.ledger_year,
        count(distinct m.topic_id) as research_topics,
        count(distinct case when m.member_role = '主持人' then m.topic_id end) as topics_led
    from members m
    join topics tp on tp.topic_id = m.topic_id
    join {{ ref('dim_teacher') }} d on d.teacher_id = m.member_id and d.is_last_version
    join (
        select distinct ledger_year from ledger
        union select distinct ledger_year from training
        union select distinct ledger_year from observed
    ) y on y.ledger_year >= extract(year from tp.approved_date)
       and (tp.topic_stage <> '结题鉴定' or y.ledger_year <= extract(year from tp.planned_end_date))
    group by d.teacher_key, y.ledger_year
),
keys as (
    select teacher_key, ledger_year from ledger
    union select teacher_key, ledger_year from training
    union select teacher_key, ledger_year from observed
),
joined as (
    select
        k.teacher_key,
        k.ledger_year,
        d.district_id,
        d.teacher_id,
        d.school_key,
        {{ zero_if_missing('l', ['plan_entries', 'growth_entries', 'practice_entries', 'attachments']) }},
        {{ zero_if_missing('t', ['training_days', 'training_projects', 'training_hours']) }},
        {{ zero_if_missing('r', ['research_topics', 'topics_led']) }},
        {{ zero_if_missing('o', ['observations_received']) }}
    from keys k
    join {{ ref('dim_teacher') }} d on d.teacher_key = k.teacher_key and d.is_last_version
    left join ledger l on l.teacher_key = k.teacher_key and l.ledger_year = k.ledger_year
    left join training t on t.teacher_key = k.teacher_key and t.ledger_year = k.ledger_year
    left join research r on r.teacher_key = k.teacher_key and r.ledger_year = k.ledger_year
    left join observed o on o.teacher_key = k.teacher_key and o.ledger_year = k.ledger_year
)
select
    {{ key('teacher_year_key') }} as teacher_year_key,
    teacher_key,
    district_id,
    teacher_id,
    school_key,
    ledger_year,
    plan_entries,
    growth_entries,
    practice_entries,
    attachments,
    (case when plan_entries > 0 then 1 else 0 end) + (case when growth_entries > 0 then 1 else 0 end)
        + (case when practice_entries > 0 then 1 else 0 end) as ledgers_kept,
    plan_entries > 0 and growth_entries > 0 and practice_entries > 0 as has_three_ledgers,
    training_days,
    training_projects,
    training_hours,
    research_topics,
    topics_led,
    observations_received,
    (case when plan_entries + growth_entries + practice_entries > 0 then 1 else 0 end)
        + (case when training_days > 0 then 1 else 0 end)
        + (case when research_topics > 0 then 1 else 0 end)
        + (case when observations_received > 0 then 1 else 0 end) as evidence_kinds
from joined
