-- 五度评教 evidence and raw component values per teacher (durable teacher_key) and term.
-- A component is a rate, mean or ratio, NULL when it has no evidence, and never capped (a teacher
-- at twice the target reads 200, so good and better stay apart); evidence_<dimension> counts the
-- items behind a dimension. Components are put on one footing in int_five_degree_standard_scores
-- (seeds/five_degree_components.csv says which column feeds which dimension); minimum evidence,
-- applicability, weights and bands are applied in fct_teacher_five_degree_term.
-- Observation rubric items count only from evaluator roles that count (seeds/evaluator_roles.csv:
-- 自评 is kept apart as self_rubric_score).
with params as (
    select
        {{ param('question_band_low') }} as band_low,
        {{ param('question_band_high') }} as band_high,
        {{ param('question_min_answers') }} as min_answers,
        {{ param('group_minutes_target') }} as group_minutes_target,
        {{ param('smart_lessons_per_week_target') }} as lessons_per_week_target,
        {{ param('tools_per_lesson_target') }} as tools_target
),
sessions as (
    select s.*, dt.term_key
    from {{ ref('fct_lesson_sessions') }} s
    join {{ ref('int_date_term') }} dt on dt.district_id = s.district_id and dt.date_day = s.day
    where s.teacher_key is not null
),
session_agg as (
    select
        teacher_key,
        term_key,
        count(*) as n_sessions,
        count(case when response_share is not null or group_activity_minutes is not null then 1 end)
            as n_interaction_sessions,
        avg(response_share) as avg_response_share,
        avg(group_activity_minutes) as avg_group_minutes,
        avg(digital_tools_count) as avg_digital_tools,
        avg(activity_forms_count) as avg_activity_forms
    from sessions
    group by teacher_key, term_key
),
observation_items as (
    select o.*, dt.term_key, r.dimension, coalesce(er.counts_in_score, true) as counts_in_score
    from {{ ref('fct_observation_scores') }} o
    join {{ ref('rubric_indicators') }} r on r.indicator_code = o.indicator_code
    join {{ ref('int_date_term') }} dt on dt.district_id = o.district_id and dt.date_day = o.day
    left join {{ ref('evaluator_roles') }} er on er.evaluator_role = o.evaluator_role
    where o.teacher_key is not null
),
rubric as (
    select teacher_key, term_key, dimension, avg(score_100) as rubric_score, count(*) as n_items
    from observation_items
    where counts_in_score
    group by teacher_key, term_key, dimension
),
self_rubric as (
    select teacher_key, term_key, avg(score_100) as self_rubric_score, count(*) as n_self_items
    from observation_items
    where not counts_in_score
    group by teacher_key, term_key
),
survey as (
    select e.teacher_key, dt.term_key, i.dimension, avg(e.score_100) as survey_score, count(*) as n_answers
    from {{ ref('fct_student_evaluations') }} e
    join {{ ref('student_evaluation_items') }} i on i.item_code = e.item_code
    join {{ ref('int_date_term') }} dt on dt.district_id = e.district_id and dt.date_day = e.day
    where e.teacher_key is not null
    group by e.teacher_key, dt.term_key, i.dimension
),
survey_wide as (
    select
        teacher_key,
        term_key
        {%- for d in teacher_dims() %},
        max(case when dimension = '{{ d }}' then survey_score end) as survey_{{ d }},
        coalesce(max(case when dimension = '{{ d }}' then n_answers end), 0) as n_survey_{{ d }}
        {%- endfor %}
    from survey
    group by teacher_key, term_key
),
rubric_wide as (
    select
        teacher_key,
        term_key
        {%- for d in teacher_dims() %},
        max(case when dimension = '{{ d }}' then rubric_score end) as rubric_{{ d }},
        coalesce(max(case when dimension = '{{ d }}' then n_items end), 0) as n_rubric_{{ d }}
        {%- endfor %}
    from rubric
    group by teacher_key, term_key
),
answers as (
    select session_id, object_id as question_id, success
    from {{ ref('fct_xapi_statements') }}
    where verb = 'answered'
      and session_id is not null
      and success is not null
      and coalesce(object_type, 'question') = 'question'
),
questions as (
    select
        s.teacher_key,
        s.term_key,
        a.session_id,
        a.question_id,
        count(*) as n_answers,
        avg(case when a.success then 1.0 else 0.0 end) as correct_rate
    from answers a
    join sessions s on s.session_id = a.session_id
    group by s.teacher_key, s.term_key, a.session_id, a.question_id
),
question_agg as (
    select
        q.teacher_key,
        q.term_key,
        count(*) as n_questions,
        count(case when q.correct_rate between p.band_low and p.band_high then 1 end) as n_questions_in_band
    from questions q
    cross join params p
    where q.n_answers >= p.min_answers
    group by q.teacher_key, q.term_key
),
uploads as (
    select x.actor_teacher_key as teacher_key, x.actor_id as uploader_id, dt.term_key, x.object_id as resource_id
    from {{ ref('fct_xapi_statements') }} x
    join {{ ref('int_date_term') }} dt on dt.district_id = x.district_id and dt.date_day = x.day
    where x.verb = 'uploaded' and x.actor_teacher_key is not null
    group by all
),
downloads as (
    select distinct object_id, actor_id
    from {{ ref('fct_xapi_statements') }}
    where verb = 'downloaded'
),
upload_agg as (
    select
        u.teacher_key,
        u.term_key,
        count(distinct u.resource_id) as n_uploads,
        count(distinct case when d.actor_id is not null then u.resource_id end) as n_uploads_downloaded,
        count(d.actor_id) as n_downloads_by_others
    from uploads u
    left join downloads d on d.object_id = u.resource_id and d.actor_id <> u.uploader_id
    group by u.teacher_key, u.term_key
),
feedback as (
    select
        h.teacher_key,
        dt.term_key,
        count(*) as n_submissions,
        count(case when h.is_feedback_in_window then 1 end) as n_feedback_in_window
    from {{ ref('int_homework_submissions') }} h
    join {{ ref('int_date_term') }} dt on dt.district_id = h.district_id and dt.date_day = h.submitted_day
    where h.teacher_key is not null and not h.is_pending
    group by h.teacher_key, dt.term_key
),
assigned as (
    select
        a.teacher_key,
        dt.term_key,
        count(distinct a.homework_id) as n_assignments,
        count(distinct case when a.is_layered then a.homework_id end) as n_layered_assignments
    from {{ ref('int_homework_assignments') }} a
    join {{ ref('int_date_term') }} dt on dt.district_id = a.district_id and dt.date_day = a.assigned_day
    where a.teacher_key is not null
    group by a.teacher_key, dt.term_key
),
keys as (
    select teacher_key, term_key from session_agg
    union select teacher_key, term_key from rubric_wide
    union select teacher_key, term_key from question_agg
    union select teacher_key, term_key from upload_agg
    union select teacher_key, term_key from feedback
    union select teacher_key, term_key from assigned
    union select teacher_key, term_key from self_rubric
    union select teacher_key, term_key from survey_wide
),
joined as (
    select
        k.teacher_key,
        k.term_key,
        sc.school_weeks_in_scope,
        {{ zero_if_missing('s', ['n_sessions', 'n_interaction_sessions']) }},
        s.avg_response_share,
        s.avg_group_minutes,
        s.avg_digital_tools,
        s.avg_activity_forms,
        sr.self_rubric_score,
        {{ zero_if_missing('sr', ['n_self_items']) }},
        case when sc.school_weeks_in_scope > 0 and s.n_sessions > 0
             then s.n_sessions / sc.school_weeks_in_scope end as smart_lessons_per_week,
        {%- for d in teacher_dims() %}
        r.rubric_{{ d }},
        coalesce(r.n_rubric_{{ d }}, 0) as n_rubric_{{ d }},
        sv.survey_{{ d }},
        coalesce(sv.n_survey_{{ d }}, 0) as n_survey_{{ d }},
        {%- endfor %}
        {{ zero_if_missing('q', ['n_questions', 'n_questions_in_band']) }},
        {{ zero_if_missing('u', ['n_uploads', 'n_uploads_downloaded', 'n_downloads_by_others']) }},
        {{ zero_if_missing('f', ['n_submissions', 'n_feedback_in_window']) }},
        {{ zero_if_missing('a', ['n_assignments', 'n_layered_assignments']) }}
    from keys k
    join {{ ref('int_term_scope') }} sc on sc.term_key = k.term_key
    left join session_agg s on s.teacher_key = k.teacher_key and s.term_key = k.term_key
    left join rubric_wide r on r.teacher_key = k.teacher_key and r.term_key = k.term_key
    left join question_agg q on q.teacher_key = k.teacher_key and q.term_key = k.term_key
    left join upload_agg u on u.teacher_key = k.teacher_key and u.term_key = k.term_key
    left join feedback f on f.teacher_key = k.teacher_key and f.term_key = k.term_key
    left join assigned a on a.teacher_key = k.teacher_key and a.term_key = k.term_key
    left join self_rubric sr on sr.teacher_key = k.teacher_key and sr.term_key = k.term_key
    left join survey_wide sv on sv.teacher_key = k.teacher_key and sv.term_key = k.term_key
),
components as (
    select
        j.*,
        -- 问题精准度
        j.rubric_problem_precision as pp_rubric_score,
        {{ pct('j.n_questions_in_band', 'j.n_questions') }} as pp_question_band_pct,
        j.survey_problem_precision as pp_student_survey_score,
        -- 情境真实度
        j.rubric_context_authenticity as ca_rubric_score,
        j.survey_context_authenticity as ca_student_survey_score,
        -- 活动创新度 (活动互学; focus 活动创新性)
        100.0 * j.avg_response_share as ai_response_pct,
        {{ of_target('j.avg_group_minutes', 'p.group_minutes_target') }} as ai_group_minutes_score,
        j.avg_activity_forms as ai_activity_forms_per_lesson,
        j.rubric_activity_interaction as ai_rubric_score,
        j.survey_activity_interaction as ai_student_survey_score,
        -- 数字实效度
        {{ of_target('j.smart_lessons_per_week', 'p.lessons_per_week_target') }} as de_lessons_per_week_score,
        {{ of_target('j.avg_digital_tools', 'p.tools_target') }} as de_tools_per_lesson_score,
        {{ pct('j.n_uploads_downloaded', 'j.n_uploads') }} as de_resources_reused_pct,
        j.rubric_digital_effectiveness as de_rubric_score,
        j.survey_digital_effectiveness as de_student_survey_score,
        -- 评价针对度
        {{ pct('j.n_feedback_in_window', 'j.n_submissions') }} as at_feedback_48h_pct,
        {{ pct('j.n_layered_assignments', 'j.n_assignments') }} as at_layered_pct,
        j.rubric_assessment_targeting as at_rubric_score,
        j.survey_assessment_targeting as at_student_survey_score
    from joined j
    cross join params p
)
select
    *,
    n_rubric_problem_precision + n_questions + n_survey_problem_precision as evidence_problem_precision,
    n_rubric_context_authenticity + n_survey_context_authenticity as evidence_context_authenticity,
    n_interaction_sessions + n_rubric_activity_interaction + n_survey_activity_interaction
        as evidence_activity_interaction,
    n_sessions + n_uploads + n_rubric_digital_effectiveness + n_survey_digital_effectiveness
        as evidence_digital_effectiveness,
    n_submissions + n_assignments + n_rubric_assessment_targeting + n_survey_assessment_targeting
        as evidence_assessment_targeting
from components
