-- One row per credit audit decision (学分审核). Incremental by day (= audit_date).
with src as (
    select *
    from {{ ref('stg_training__credit_audits') }}
    where {{ in_window('partition_day') }}
    qualify row_number() over (
        partition by audit_id, partition_day
        order by loaded_at desc, source_row_number desc
    ) = 1
),
joined as (
    select
        a.*,
        coalesce(t.district_id, {{ default_district() }}) as district_id,
        t.teacher_key,
        t.teacher_version_key,
        p.project_key
    from src a
    left join {{ ref('dim_teacher') }} t
        on t.teacher_id = a.teacher_id and {{ valid_version('t', 'a.partition_day') }}
    left join {{ ref('dim_training_project') }} p on p.project_id = a.project_id
)
select
    {{ wudu_key('district_id', 'audit_id') }} as audit_key,
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
