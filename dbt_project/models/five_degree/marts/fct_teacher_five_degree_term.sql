{%- set dims = teacher_dims() -%}
-- 五度评教: one row per teacher per term in scope. Universe: every teacher on the roster during the
-- term plus any teacher with evidence. School, title etc. are the teacher version valid at the end
-- of the term's scope. A dimension without enough evidence is NULL.
with universe as (
    select distinct v.teacher_key, s.term_key
    from {{ ref('dim_teacher') }} v
    join {{ ref('int_term_scope') }} s
        on s.district_id = v.district_id
        and v.valid_from <= s.scope_end
        and v.valid_to >= s.start_date
    union
    select teacher_key, term_key from {{ ref('int_teacher_five_degree_components') }} components
),
profile as (
    select
        u.teacher_key,
        u.term_key,
        s.district_id,
        s.term_id,
        v.teacher_id,
        v.teacher_version_key,
        v.school_key,
        v.school_id,
        v.title,
        v.backbone_level
    from universe u
    join {{ ref('int_term_scope') }} s on s.term_key = u.term_key
    join {{ ref('dim_teacher') }} v on v.teacher_key = u.teacher_key and {{ valid_version('v', 's.scope_end') }}
),
subject_counts as (
    select s.teacher_key, dt.term_key, s.subject, count(*) as n
    from {{ ref('fct_lesson_sessions') }} s
    join {{ ref('int_date_term') }} dt on dt.district_id = s.district_id and dt.date_day = s.day
    where s.subject is not null
    group by all
),
session_subject as (
    select teacher_key, term_key, subject
    from subject_counts
    qualify row_number() over (partition by teacher_key, term_key order by n desc, subject) = 1
),
class_subject as (
    select primary_teacher_id as teacher_id, trim(split_part(subjects, ',', 1)) as subject
    from {{ ref('dim_class') }}
    where primary_teacher_id is not null and nullif(trim(subjects), '') is not null
    qualify row_number() over (partition by primary_teacher_id order by is_current desc, class_id) = 1
),
weights as (
    {{ five_degree_weight_pivot('teacher', dims) }}
),
scored as (
    select
        p.*,
        sch.stage,
        sch.urban_rural,
        sch.edu_group,
        coalesce(ss.subject, cs.subject) as main_subject,
        {{ five_degree_dimension_scores('teacher', dims) }}
    from profile p
    left join {{ ref('int_teacher_five_degree_components') }} c on c.teacher_key = p.teacher_key and c.term_key = p.term_key
    left join {{ ref('dim_school') }} sch on sch.school_key = p.school_key
    left join session_subject ss on ss.teacher_key = p.teacher_key and ss.term_key = p.term_key
    left join class_subject cs on cs.teacher_id = p.teacher_id
),
final as (
    select
        s.*,
        {{ five_degree_scored_count(dims) }} as dimensions_scored,
        {{ five_degree_overall(dims) }} as overall_score
    from scored s
    left join weights w on w.district_id = s.district_id
)
select
    {{ key('teacher_term_key') }} as teacher_term_key,
    district_id,
    term_key,
    term_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    school_key,
    school_id,
    stage,
    urban_rural,
    edu_group,
    main_subject,
    title,
    backbone_level,
    {%- for d in dims %}
    {{ d }},
    {%- endfor %}
    overall_score,
    {{ five_degree_band('overall_score') }} as band,
    dimensions_scored,
    {%- for d in dims %}
    evidence_{{ d }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from final
