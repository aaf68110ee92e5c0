-- Every recognised 学时 a teacher has: the approved credit audits after the yearly caps
-- (int_credit_recognition) plus the 历年学时 archive of what was recognised before the system's own
-- audits. An archive row counts only when its through date lies before the district's first event
-- day, so hours the audits also record are never counted twice. Dated by audit / through date.
with archive as (
    {{ current_snapshot('stg_training__hour_archive') }}
)
select
    r.district_id,
    r.teacher_key,
    r.audit_date,
    r.recognised_hours,
    r.recognised_credits,
    'audit' as origin
from {{ ref('int_credit_recognition') }} r
union all
select
    t.district_id,
    t.teacher_key,
    a.through_date as audit_date,
    a.recognised_hours,
    a.recognised_credits,
    'archive' as origin
from archive a
join {{ ref('dim_teacher') }} t on t.teacher_id = a.teacher_id and t.is_last_version
left join {{ ref('int_data_horizon') }} h on h.district_id = t.district_id
where h.first_day is null or a.through_date < h.first_day
