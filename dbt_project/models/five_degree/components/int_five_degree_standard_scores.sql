-- 五度 components on one footing: every raw component value (rates, means, ratios — none capped) is
-- standardised within its norm group, so which evidence happened to exist does not move a score.
-- Norm group = district x term x 学段 when at least norm_min_group_stage persons have the component
-- there, else district x term (at least norm_min_group_district persons), else no standard score.
-- standard_score = standard_mean + standard_sd * direction * (value - group mean) / group sd
-- (population sd; a group without spread puts everybody at the mean), clipped to 0..100.
-- Components of a dimension that does not apply to the person's 学段 are left out.
-- Which columns are components, their dimension and direction: seeds/five_degree_components.csv.
-- Grain: one row per evaluation, person, term and component with a value.
{%- set teacher_components = wudu_columns_matching(ref('int_teacher_five_degree_components'), '(pp|ca|ai|de|at)_') %}
{%- set student_components = wudu_columns_matching(ref('int_student_five_degree_components'), '(pa|en|ac|gr|wl)_') %}
with teacher_values as (
    {% call wudu_unpivot_body(teacher_components, 'component', 'raw_value') -%}
        select
            p.teacher_id as person_id,
            c.term_key,
            p.district_id,
            p.stage
            {%- for col in teacher_components %},
            cast(c.{{ col }} as double) as {{ col }}
            {%- endfor %}
        from {{ ref('int_teacher_five_degree_components') }} c
        join {{ ref('int_teacher_term_profile') }} p on p.teacher_key = c.teacher_key and p.term_key = c.term_key
    {%- endcall %}
),
student_values as (
    {% call wudu_unpivot_body(student_components, 'component', 'raw_value') -%}
        select
            c.student_id as person_id,
            c.term_key,
            p.district_id,
            sch.stage
            {%- for col in student_components %},
            cast(c.{{ col }} as double) as {{ col }}
            {%- endfor %}
        from {{ ref('int_student_five_degree_components') }} c
        join {{ ref('int_student_term_profile') }} p on p.student_id = c.student_id and p.term_key = c.term_key
        left join {{ ref('dim_school') }} sch on sch.school_id = p.school_id
    {%- endcall %}
),
vals as (
    select 'teacher' as evaluation, * from teacher_values
    union all
    select 'student' as evaluation, * from student_values
),
components as (
    select v.*, c.dimension, c.direction
    from vals v
    join {{ ref('five_degree_components') }} c on c.evaluation = v.evaluation and c.component = v.component
    where v.raw_value is not null and {{ wudu_is_finite('v.raw_value') }}
      -- a dimension that does not apply to the person's 学段 neither scores nor enters a norm
      and not exists (
          select 1 from {{ ref('five_degree_applicability') }} a
          where a.evaluation = v.evaluation and a.dimension = c.dimension and a.stage = v.stage
      )
),
stage_norms as (
    select evaluation, district_id, term_key, stage, component,
           count(*) as n, avg(raw_value) as mean_value, stddev_pop(raw_value) as sd_value
    from components
    group by 1, 2, 3, 4, 5
),
district_norms as (
    select evaluation, district_id, term_key, component,
           count(*) as n, avg(raw_value) as mean_value, stddev_pop(raw_value) as sd_value
    from components
    group by 1, 2, 3, 4
),
normed as (
    select
        c.*,
        case when sn.n >= {{ param('norm_min_group_stage') }} then '学段'
             when dn.n >= {{ param('norm_min_group_district') }} then '区县' end as norm_level,
        case when sn.n >= {{ param('norm_min_group_stage') }} then sn.n else dn.n end as norm_n,
        case when sn.n >= {{ param('norm_min_group_stage') }} then sn.mean_value else dn.mean_value end as norm_mean,
        case when sn.n >= {{ param('norm_min_group_stage') }} then sn.sd_value else dn.sd_value end as norm_sd
    from components c
    left join stage_norms sn
        on sn.evaluation = c.evaluation and sn.district_id = c.district_id and sn.term_key = c.term_key
        and sn.stage is not distinct from c.stage and sn.component = c.component
    join district_norms dn
        on dn.evaluation = c.evaluation and dn.district_id = c.district_id and dn.term_key = c.term_key
        and dn.component = c.component
)
select
    evaluation,
    person_id,
    term_key,
    district_id,
    stage,
    dimension,
    component,
    direction,
    raw_value,
    norm_level,
    norm_n,
    norm_mean,
    norm_sd,
    case when norm_level is not null then
        greatest(0.0, least(100.0,
            {{ param('standard_mean') }} + {{ param('standard_sd') }} * direction
            * coalesce((raw_value - norm_mean) / nullif(norm_sd, 0), 0.0)))
    end as standard_score
from normed
