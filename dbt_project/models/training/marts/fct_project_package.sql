-- 项目包 assessment: one row per project package (培训项目 with 是否项目包 = true): participants,
-- activities (distinct sign-in days), outputs and outputs per participant, with completion,
-- satisfaction, rural share and budget per participant for the design/process/funds/outputs review.
select
    project_key,
    project_id,
    district_id,
    project_name,
    training_level,
    subject,
    base_school_key,
    planned_hours,
    budget_yuan,
    participants,
    trainee_visits,
    activity_days as activities,
    outputs,
    outputs_per_participant,
    completion_pct,
    satisfaction_pct,
    rural_share_pct,
    budget_per_participant,
    first_activity_day,
    last_activity_day
from {{ ref('fct_training_project') }}
where is_package
