-- 研训 per teacher per term in scope: signed-in 学时, projects attended and completed, approved and
-- recognised (capped) 学时 and 学分. Universe: teachers on the roster during the term plus any
-- teacher with training records in it; no records is a real 0.
with signins as (
    select s.teacher_key, dt.term_key, count(distinct s.day) as signin_days, sum(s.hours) as signin_hours
    from {{ ref('fct_training_signins') }} s
    join {{ ref('int_date_term') }} dt on dt.district_id = s.district_id and dt.date_day = s.day
    where s.teacher_key is not null
    group by all
),
projects as (
    select
        a.teacher_key,
        dt.term_key,
        count(*) as projects_attended,
        count(case when a.is_completed then 1 end) as projects_completed,
        avg(a.attendance_pct) as avg_attendance_pct
    from {{ ref('int_teacher_project_attendance') }} a
    join {{ ref('int_date_term') }} dt on dt.district_id = a.district_id and dt.date_day = a.first_day
    group by all
),
audits as (
    select
        a.teacher_key,
        dt.term_key,
        count(case when a.result = '待审核' then 1 end) as audits_pending,
        count(case when a.result = '不通过' then 1 end) as audits_rejected,
        sum(case when a.is_approved then a.approved_hours else 0 end) as approved_hours
    from {{ ref('fct_credit_audits') }} a
    join {{ ref('int_date_term') }} dt on dt.district_id = a.district_id and dt.date_day = a.day
    where a.teacher_key is not null
    group by all
),
recognised as (
    select
        r.teacher_key,
        dt.term_key,
        sum(r.recognised_hours) as recognised_hours,
        sum(r.recognised_credits) as recognised_credits,
        sum(r.audited_credits) as audited_credits
    from {{ ref('int_credit_recognition') }} r
    join {{ ref('int_date_term') }} dt on dt.district_id = r.district_id and dt.date_day = r.audit_date
    group by all
),
universe as (
    select distinct v.teacher_key, s.term_key
    from {{ ref('dim_teacher') }} v
    join {{ ref('int_term_scope') }} s on s.district_id = v.district_id and v.valid_from <= s.scope_end and v.valid_to >= s.start_date
    union select teacher_key, term_key from signins
    union select teacher_key, term_key from projects
    union select teacher_key, term_key from audits
),
profile as (
    select u.teacher_key, u.term_key, s.district_id, s.term_id, v.teacher_id, v.teacher_version_key, v.school_key
    from universe u
    join {{ ref('int_term_scope') }} s on s.term_key = u.term_key
    join {{ ref('dim_teacher') }} v on v.teacher_key = u.teacher_key and {{ valid_version('v', 's.scope_end') }}
)
select
    {{ key('teacher_term_key', 'p') }} as teacher_term_key,
    p.district_id,
    p.term_key,
    p.term_id,
    p.teacher_key,
    p.teacher_version_key,
    p.teacher_id,
    p.school_key,
    {{ zero_if_missing('si', ['signin_days', 'signin_hours']) }},
    {{ zero_if_missing('pr', ['projects_attended', 'projects_completed']) }},
    {{ pct('pr.projects_completed', 'pr.projects_attended') }} as completion_pct,
    pr.avg_attendance_pct,
    coalesce(au.approved_hours, 0) as approved_hours,
    {{ zero_if_missing('re', ['recognised_hours', 'recognised_credits', 'audited_credits']) }},
    {{ zero_if_missing('au', ['audits_pending', 'audits_rejected']) }}
from profile p
left join signins si on si.teacher_key = p.teacher_key and si.term_key = p.term_key
left join projects pr on pr.teacher_key = p.teacher_key and pr.term_key = p.term_key
left join audits au on au.teacher_key = p.teacher_key and au.term_key = p.term_key
left join recognised re on re.teacher_key = p.teacher_key and re.term_key = p.term_key
