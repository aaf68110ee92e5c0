-- One row per credit audit decision (学分审核). Incremental by day (= audit_date).
with src as (
    {{ window_rows('stg_training__credit_audits', ['audit_id']) }}
),
with_teacher as (
    {{ with_teacher_version('src') }}
),
joined as (
    select a.*, p.project_key
    from with_teacher a
    left join {{ ref('dim_training_project') }} p on p.project_id = a.project_id
)
select
    {{ key('audit_key') }} as audit_key,
    district_id,
    partition_day as day,
    audit_date,
    audit_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    project_key,
    project_id,
    approved_hours,
    approved_credits,
    result,
    result = '通过' as is_approved
from joined
