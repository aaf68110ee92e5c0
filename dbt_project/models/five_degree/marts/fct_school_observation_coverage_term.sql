-- 听评课覆盖 per school and term: the teacher rows of fct_teacher_observation_coverage_term summed.
-- Grain: one row per school per term.
select
    {{ key('school_term_key') }} as school_term_key,
    district_id,
    term_key,
    term_id,
    school_key,
    school_id,
    any_value(school_name) as school_name,
    any_value(stage) as stage,
    any_value(urban_rural) as urban_rural,
    count(*) as teachers,
    count(case when observations_received > 0 then 1 end) as teachers_observed,
    count(case when shortfall_to_date > 0 then 1 end) as teachers_behind,
    round(sum(observations_expected_term * school_days_in_scope / nullif(school_days_in_term, 0)), 2)
        as observations_expected_to_date,
    sum(observations_received) as observations_received,
    sum(received_unannounced) as received_unannounced,
    sum(self_evaluations) as self_evaluations,
    round({{ pct('sum(observations_received)',
                 'sum(observations_expected_term * school_days_in_scope / nullif(school_days_in_term, 0))') }}, 2)
        as coverage_pct,
    round({{ pct('count(case when observations_received > 0 then 1 end)', 'count(*)') }}, 2) as teachers_observed_pct
from {{ ref('fct_teacher_observation_coverage_term') }}
where school_id is not null
group by district_id, term_key, term_id, school_key, school_id
