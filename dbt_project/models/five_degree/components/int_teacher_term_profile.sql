-- One row per teacher and term in scope: the teacher version valid at the end of the term's scope
-- (school, title, backbone level), the school's 学段 / 城镇乡村 / 教育集团, and the main subject (most
-- smart lessons in the term, else the subject of the class the teacher teaches, else the roster's
-- 任教学科 metadata.cn.subject). Universe: every
-- teacher on the roster during the term plus any teacher with 五度 evidence.
with scope as (
    select * from {{ ref('int_term_scope') }}
),
versions as (
    select * from {{ ref('dim_teacher') }}
),
universe as (
    select distinct v.teacher_key, s.term_key
    from versions v
    join scope s
        on s.district_id = v.district_id
        and v.valid_from <= s.scope_end
        and v.valid_to >= s.start_date
    union
    select teacher_key, term_key from {{ ref('int_teacher_five_degree_components') }}
),
profile as (
    select
        u.teacher_key,
        u.term_key,
        s.district_id,
        s.term_id,
        s.scope_end,
        v.teacher_id,
        v.teacher_version_key,
        v.school_key,
        v.school_id,
        v.title,
        v.backbone_level
    from universe u
    join scope s on s.term_key = u.term_key
    join versions v on v.teacher_key = u.teacher_key and {{ valid_version('v', 's.scope_end') }}
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
)
select
    p.*,
    sch.school_name,
    sch.stage,
    sch.urban_rural,
    sch.edu_group,
    coalesce(ss.subject, cs.subject, ul.subject) as main_subject
from profile p
left join {{ ref('dim_school') }} sch on sch.school_key = p.school_key
left join session_subject ss on ss.teacher_key = p.teacher_key and ss.term_key = p.term_key
left join class_subject cs on cs.teacher_id = p.teacher_id
left join {{ ref('int_users_latest') }} ul on ul.user_id = p.teacher_id
