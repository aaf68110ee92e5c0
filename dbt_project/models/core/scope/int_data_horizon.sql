-- Per district: first and last landing day with any event data (platform or training), and the
-- last statement time. Terms, months and cycles are evaluated up to last_day ("as of").
with days as (
    select district_id, day, cast(null as timestamp) as occurred_at from {{ ref('fct_lesson_sessions') }}
    union all
    select district_id, day, occurred_at from {{ ref('fct_xapi_statements') }}
    union all
    select district_id, day, null from {{ ref('fct_observation_scores') }}
    union all
    select district_id, day, null from {{ ref('fct_training_signins') }}
    union all
    select district_id, day, null from {{ ref('fct_credit_audits') }}
    union all
    select district_id, day, null from {{ ref('fct_survey_responses') }}
)
select
    district_id,
    min(day) as first_day,
    max(day) as last_day,
    coalesce(max(occurred_at), cast(max(day) as timestamp) + interval 1 day) as last_event_at
from days
where district_id is not null
group by district_id
