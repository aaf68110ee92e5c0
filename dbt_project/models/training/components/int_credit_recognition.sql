-- One row per approved credit audit (审核结果 = 通过) with the 学时 and 学分 it is recognised for
-- after the yearly caps of seeds/training_credit_rules.csv: per teacher, calendar year of the
-- audit and training level, audits are taken in date order and each gets
-- min(cumulative, cap) - min(cumulative before it, cap). 学分 = recognised 学时 / hours_per_credit,
-- capped the same way by yearly_cap_credits. An empty cap means no cap.
with audits as (
    select
        a.*,
        extract(year from a.audit_date) as credit_year,
        p.training_level,
        r.hours_per_credit,
        r.yearly_cap_hours,
        r.yearly_cap_credits
    from {{ ref('fct_credit_audits') }} a
    left join {{ ref('dim_training_project') }} p on p.project_key = a.project_key
    left join {{ ref('training_credit_rules') }} r on r.training_level = p.training_level
    where a.is_approved
),
hours as (
    select
        *,
        sum(approved_hours) over w as cum_hours
    from audits
    window w as (
        partition by teacher_key, credit_year, training_level
        order by audit_date, audit_id
        rows between unbounded preceding and current row
    )
),
recognised as (
    select
        *,
        case
            when yearly_cap_hours is null then approved_hours
            else greatest(0.0, least(cum_hours, yearly_cap_hours) - least(cum_hours - approved_hours, yearly_cap_hours))
        end as recognised_hours
    from hours
),
credits as (
    select
        *,
        recognised_hours / nullif(hours_per_credit, 0) as uncapped_credits,
        sum(recognised_hours / nullif(hours_per_credit, 0)) over w as cum_credits
    from recognised
    window w as (
        partition by teacher_key, credit_year, training_level
        order by audit_date, audit_id
        rows between unbounded preceding and current row
    )
)
select
    audit_key,
    audit_id,
    district_id,
    audit_date,
    credit_year,
    teacher_key,
    teacher_id,
    project_key,
    project_id,
    training_level,
    approved_hours,
    approved_credits as audited_credits,
    recognised_hours,
    case
        when uncapped_credits is null then null
        when yearly_cap_credits is null then uncapped_credits
        else greatest(0.0, least(cum_credits, yearly_cap_credits) - least(cum_credits - uncapped_credits, yearly_cap_credits))
    end as recognised_credits
from credits
