-- 听评课覆盖: observations a teacher is owed per term (seeds/observation_expectations.csv by the
-- title valid at the end of the term scope; '*' when the title is unknown), pro-rated to the school
-- days of the term so far, against the observations received (distinct observation ids by an
-- evaluator whose role counts, seeds/evaluator_roles.csv: 自评 is reported apart, never as received).
-- Grain: one row per teacher per term in scope.
with profile as (
    select * from {{ ref('int_teacher_term_profile') }}
),
scope as (
    select s.term_key, s.school_days_in_scope, t.school_days as school_days_in_term
    from {{ ref('int_term_scope') }} s
    join {{ ref('dim_term') }} t on t.term_key = s.term_key
),
expectations as (
    select * from {{ ref('observation_expectations') }}
),
observations as (
    select
        o.teacher_key,
        dt.term_key,
        o.observation_id,
        any_value(o.observation_type) as observation_type,
        any_value(o.evaluator_role) as evaluator_role
    from {{ ref('fct_observation_scores') }} o
    join {{ ref('int_date_term') }} dt on dt.district_id = o.district_id and dt.date_day = o.day
    where o.teacher_key is not null
    group by all
),
received as (
    select
        o.teacher_key,
        o.term_key,
        count(case when coalesce(r.counts_in_score, true) then 1 end) as observations_received,
        count(case when coalesce(r.counts_in_score, true) and not coalesce(ty.is_announced, false) then 1 end)
            as received_unannounced,
        count(case when coalesce(r.counts_in_score, true) and ty.is_announced then 1 end) as received_announced,
        count(case when o.evaluator_role = '教研员' then 1 end) as received_from_researchers,
        count(case when o.evaluator_role = '校领导' then 1 end) as received_from_leaders,
        count(case when o.evaluator_role = '同伴' then 1 end) as received_from_peers,
        count(case when not coalesce(r.counts_in_score, true) then 1 end) as self_evaluations
    from observations o
    left join {{ ref('evaluator_roles') }} r on r.evaluator_role = o.evaluator_role
    left join {{ ref('observation_types') }} ty on ty.observation_type = o.observation_type
    group by all
),
owed as (
    select
        p.*,
        coalesce(e.expected_per_term, d.expected_per_term) as observations_expected_term,
        sc.school_days_in_scope,
        sc.school_days_in_term
    from profile p
    join scope sc on sc.term_key = p.term_key
    left join expectations e on e.title = p.title
    cross join (select expected_per_term from expectations where title = '*') d
)
select
    {{ key('teacher_term_key', 'o') }} as teacher_term_key,
    o.district_id,
    o.term_key,
    o.term_id,
    o.teacher_key,
    o.teacher_id,
    o.school_key,
    o.school_id,
    o.school_name,
    o.stage,
    o.urban_rural,
    o.main_subject,
    o.title,
    o.observations_expected_term,
    o.school_days_in_scope,
    o.school_days_in_term,
    round(o.observations_expected_term * o.school_days_in_scope / nullif(o.school_days_in_term, 0), 2)
        as observations_expected_to_date,
    coalesce(r.observations_received, 0) as observations_received,
    coalesce(r.received_unannounced, 0) as received_unannounced,
    coalesce(r.received_announced, 0) as received_announced,
    coalesce(r.received_from_researchers, 0) as received_from_researchers,
    coalesce(r.received_from_leaders, 0) as received_from_leaders,
    coalesce(r.received_from_peers, 0) as received_from_peers,
    coalesce(r.self_evaluations, 0) as self_evaluations,
    round({{ pct('coalesce(r.observations_received, 0)',
                 'o.observations_expected_term * o.school_days_in_scope / nullif(o.school_days_in_term, 0)') }}, 2)
        as coverage_pct,
    round(greatest(0.0, o.observations_expected_term * o.school_days_in_scope / nullif(o.school_days_in_term, 0)
                        - coalesce(r.observations_received, 0)), 2) as shortfall_to_date,
    coalesce(r.observations_received, 0) >= o.observations_expected_term as is_term_expectation_met
from owed o
left join received r on r.teacher_key = o.teacher_key and r.term_key = o.term_key
