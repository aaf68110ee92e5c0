-- 五度评学 evidence and component scores per student and term (universe: int_student_term_profile).
-- A component is a rate, mean or ratio, NULL without evidence, and never capped (attainment is the
-- score relative to the standard, 负担度 the written minutes over the 双减 limit); evidence_<dimension>
-- counts the items behind a dimension. Components are put on one footing in
-- int_five_degree_standard_scores; minimum evidence, applicability (seeds/five_degree_applicability.csv),
-- weights and bands are applied in fct_student_five_degree_term.
{#- the statements on days that belong to a term, with their term: each reader below selects its
    verb from its own copy of this (a CTE read by several is materialised whole by DuckDB: every
    statement held, every column) -#}
{%- set term_statements %}
    select x.*, dt.term_key
    from {{ ref('fct_xapi_statements') }} x
    join {{ ref('int_date_term') }} dt on dt.district_id = x.district_id and dt.date_day = x.day
{%- endset %}
with params as (
    select
        {{ param('answers_per_lesson_target') }} as answers_target,
        {{ param('self_study_minutes_per_day_target') }} as self_study_target,
        {{ param('growth_min_cohort') }} as growth_min_cohort
),
spans as (
    select * from {{ ref('int_enrollment_spans') }} where role = 'student'
),

-- 参与度: lessons of the student's classes and the student's answers in them
class_sessions as (
    select e.user_id as student_id, dt.term_key, s.session_id
    from {{ ref('fct_lesson_sessions') }} s
    join {{ ref('int_date_term') }} dt on dt.district_id = s.district_id and dt.date_day = s.day
    join spans e on e.class_id = s.class_id and s.day between e.valid_from and e.valid_to
    group by all
),
student_answers as (
    select actor_id as student_id, session_id, count(*) as n_answers
    from ({{ term_statements }}) x
    where verb = 'answered' and session_id is not null
    group by actor_id, session_id
),
participation as (
    select
        cs.student_id,
        cs.term_key,
        count(*) as n_class_sessions,
        count(sa.session_id) as n_sessions_answered,
        coalesce(sum(sa.n_answers), 0) as n_answers
    from class_sessions cs
    left join student_answers sa on sa.student_id = cs.student_id and sa.session_id = cs.session_id
    group by cs.student_id, cs.term_key
),

-- 投入度 (a): homework due for the student (assigned to a class they were in, due by the data
-- horizon) or submitted by them, with the first submission time
first_submissions as (
    select student_id, homework_id, min(submitted_at) as first_submitted_at, min(submitted_day) as first_submitted_day,
           max(due_at) as due_at
    from {{ ref('int_homework_submissions') }}
    group by student_id, homework_id
),
assigned_to_student as (
    select e.user_id as student_id, a.homework_id
    from {{ ref('int_homework_assignments') }} a
    join spans e on e.class_id = a.class_id and a.assigned_day between e.valid_from and e.valid_to
    join {{ ref('int_data_horizon') }} h on h.district_id = a.district_id
    where a.due_at is not null and a.due_at <= h.last_event_at
),
-- every (student, homework) pair once, with the first submission if any: a full join of the two
-- (a UNION, then joining the submissions back, deduplicated and re-joined millions of pairs)
homework_pairs as (
    select
        coalesce(fs.student_id, ats.student_id) as student_id,
        coalesce(fs.homework_id, ats.homework_id) as homework_id,
        fs.first_submitted_at,
        fs.first_submitted_day,
        fs.due_at as submitted_due_at
    from first_submissions fs
    full join (select distinct student_id, homework_id from assigned_to_student) ats
        on ats.student_id = fs.student_id and ats.homework_id = fs.homework_id
),
homework as (
    select
        hp.student_id,
        dt.term_key,
        hp.homework_id,
        coalesce(hp.submitted_due_at, a.due_at) as due_at,
        hp.first_submitted_at,
        coalesce(hp.first_submitted_at <= coalesce(hp.submitted_due_at, a.due_at), false) as is_on_time
    from homework_pairs hp
    left join {{ ref('int_homework_assignments') }} a on a.homework_id = hp.homework_id
    join {{ ref('int_student_term_profile') }} pr on pr.student_id = hp.student_id
    join {{ ref('int_date_term') }} dt
        on dt.district_id = pr.district_id
        and dt.term_key = pr.term_key
        and dt.date_day = coalesce(a.assigned_day, hp.first_submitted_day)
    where coalesce(hp.submitted_due_at, a.due_at) is not null
),
on_time as (
    select student_id, term_key, count(*) as n_homework_due, count(case when is_on_time then 1 end) as n_on_time
    from homework
    group by student_id, term_key
),
-- 投入度 (b): self-directed learning minutes
self_study as (
    select actor_id as student_id, term_key, count(*) as n_experienced,
           sum(coalesce(duration_seconds, 0)) / 60.0 as self_study_minutes
    from ({{ term_statements }}) x
    where verb = 'experienced' and actor_role = 'student'
    group by actor_id, term_key
),

-- 达成度 / 成长度: scored assessments against the grade/subject standard
standards as (
    select * from {{ ref('attainment_standards') }}
),
scored as (
    select
        x.actor_id as student_id,
        x.term_key,
        x.day,
        x.subject,
        x.score_scaled,
        pr.grade,
        pr.district_id,
        coalesce(s1.standard_scaled, s2.standard_scaled, s3.standard_scaled, s4.standard_scaled) as standard_scaled
    from ({{ term_statements }}) x
    join {{ ref('int_student_term_profile') }} pr on pr.student_id = x.actor_id and pr.term_key = x.term_key
    left join standards s1 on s1.grade = cast(pr.grade as string) and s1.subject = x.subject
    left join standards s2 on s2.grade = cast(pr.grade as string) and s2.subject = '*'
    left join standards s3 on s3.grade = '*' and s3.subject = x.subject
    left join standards s4 on s4.grade = '*' and s4.subject = '*'
    where x.verb = 'scored' and x.score_scaled is not null and x.actor_role = 'student'
),
attainment as (
    select
        student_id,
        term_key,
        count(*) as n_scored,
        100.0 * avg(score_scaled / standard_scaled) as attainment_score
    from scored
    where standard_scaled > 0
    group by student_id, term_key
),
halves as (
    select
        sc.student_id,
        sc.term_key,
        sc.district_id,
        sc.grade,
        sc.subject,
        count(*) as n_scored,
        avg(case when sc.day < t.scope_midpoint_date then sc.score_scaled end) as early_mean,
        avg(case when sc.day >= t.scope_midpoint_date then sc.score_scaled end) as late_mean
    from scored sc
    join {{ ref('int_term_scope') }} t on t.term_key = sc.term_key
    group by all
    having count(case when sc.day < t.scope_midpoint_date then 1 end) > 0
       and count(case when sc.day >= t.scope_midpoint_date then 1 end) > 0
),
ranked as (
    select
        *,
        round(late_mean - early_mean, 9) as change,
        count(*) over (partition by district_id, term_key, grade, subject) as cohort_size,
        rank() over (partition by district_id, term_key, grade, subject order by round(late_mean - early_mean, 9)) as change_rank,
        count(*) over (partition by district_id, term_key, grade, subject, round(late_mean - early_mean, 9)) as n_tied
    from halves
),
growth as (
    select
        r.student_id,
        r.term_key,
        sum(r.n_scored) as n_growth_scored,
        count(*) as n_growth_subjects,
        avg(100.0 * ((r.change_rank - 1) + 0.5 * r.n_tied) / r.cohort_size) as growth_percentile,
        avg(r.change) as avg_change
    from ranked r
    cross join params p
    where r.cohort_size >= p.growth_min_cohort
    group by r.student_id, r.term_key
),

-- 负担度: daily written-homework minutes against the 双减 limit of the student's grade
homework_days as (
    select
        h.student_id,
        dt.term_key,
        h.submitted_day,
        sum(case when h.is_written then coalesce(h.duration_seconds, 0) else 0 end) / 60.0 as written_minutes
    from {{ ref('int_homework_submissions') }} h
    join {{ ref('int_date_term') }} dt on dt.district_id = h.district_id and dt.date_day = h.submitted_day
    group by all
),
workload as (
    select
        d.student_id,
        d.term_key,
        count(*) as n_homework_days,
        avg(d.written_minutes) as avg_daily_written_minutes,
        min(l.max_written_minutes_per_day) as limit_minutes
    from homework_days d
    join {{ ref('int_student_term_profile') }} pr on pr.student_id = d.student_id and pr.term_key = d.term_key
    join {{ ref('homework_limits') }} l on pr.grade between l.grade_min and l.grade_max
    group by d.student_id, d.term_key
),

joined as (
    select
        pr.student_id,
        pr.term_key,
        pr.district_id,
        pr.grade,
        sc.school_days_in_scope,
        {{ zero_if_missing('pa', ['n_class_sessions', 'n_sessions_answered', 'n_answers']) }},
        {{ zero_if_missing('ot', ['n_homework_due', 'n_on_time']) }},
        coalesce(ss.n_experienced, 0) as n_experienced,
        ss.self_study_minutes,
        coalesce(att.n_scored, 0) as n_scored,
        att.attainment_score,
        {{ zero_if_missing('g', ['n_growth_scored', 'n_growth_subjects']) }},
        g.growth_percentile,
        g.avg_change as growth_avg_change,
        coalesce(w.n_homework_days, 0) as n_homework_days,
        w.avg_daily_written_minutes,
        w.limit_minutes
    from {{ ref('int_student_term_profile') }} pr
    join {{ ref('int_term_scope') }} sc on sc.term_key = pr.term_key
    left join participation pa on pa.student_id = pr.student_id and pa.term_key = pr.term_key
    left join on_time ot on ot.student_id = pr.student_id and ot.term_key = pr.term_key
    left join self_study ss on ss.student_id = pr.student_id and ss.term_key = pr.term_key
    left join attainment att on att.student_id = pr.student_id and att.term_key = pr.term_key
    left join growth g on g.student_id = pr.student_id and g.term_key = pr.term_key
    left join workload w on w.student_id = pr.student_id and w.term_key = pr.term_key
),
components as (
    select
        j.*,
        -- 参与度
        {{ pct('j.n_sessions_answered', 'j.n_class_sessions') }} as pa_answered_lessons_pct,
        case when j.n_class_sessions > 0
             then {{ of_target('j.n_answers * 1.0 / j.n_class_sessions', 'p.answers_target') }} end
            as pa_answers_per_lesson_score,
        -- 投入度
        {{ pct('j.n_on_time', 'j.n_homework_due') }} as en_on_time_pct,
        case when j.n_experienced > 0 and j.school_days_in_scope > 0
             then {{ of_target('j.self_study_minutes / j.school_days_in_scope', 'p.self_study_target') }} end
            as en_self_study_score,
        -- 达成度 / 成长度
        j.attainment_score as ac_attainment_score,
        j.growth_percentile as gr_growth_percentile,
        -- 负担度: mean daily written minutes minus the grade's 双减 limit (negative = headroom;
        -- direction -1 in seeds/five_degree_components.csv: fewer minutes, healthier)
        case when j.n_homework_days > 0 and j.limit_minutes is not null
             then j.avg_daily_written_minutes - j.limit_minutes end as wl_excess_minutes
    from joined j
    cross join params p
)
select
    *,
    n_class_sessions as evidence_participation,
    n_homework_due + case when school_days_in_scope > 0 then n_experienced else 0 end as evidence_engagement,
    n_scored as evidence_attainment,
    n_growth_scored as evidence_growth,
    case when limit_minutes is null then 0 else n_homework_days end as evidence_workload
from components
