{%- set dims = student_dims() -%}
-- 五度评学: one row per student per term in scope (universe: int_student_term_profile). Grade,
-- school and class are the student's at the end of the term's scope. A dimension without enough
-- evidence is NULL. No personal data.
with weights as (
    {{ five_degree_weight_pivot('student', dims) }}
),
scored as (
    select
        p.student_id,
        p.term_key,
        s.term_id,
        p.district_id,
        p.grade,
        p.school_id,
        p.class_id,
        sch.school_key,
        sch.stage,
        sch.urban_rural,
        sch.edu_group,
        cls.class_key,
        st.student_key,
        {{ five_degree_dimension_scores('student', dims) }}
    from {{ ref('int_student_term_profile') }} p
    join {{ ref('int_term_scope') }} s on s.term_key = p.term_key
    left join {{ ref('int_student_five_degree_components') }} c on c.student_id = p.student_id and c.term_key = p.term_key
    left join {{ ref('dim_school') }} sch on sch.school_id = p.school_id
    left join {{ ref('dim_class') }} cls on cls.class_id = p.class_id
    left join {{ ref('dim_student') }} st on st.student_id = p.student_id
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
    {{ key('student_term_key') }} as student_term_key,
    district_id,
    term_key,
    term_id,
    student_key,
    student_id,
    grade,
    school_key,
    school_id,
    class_key,
    class_id,
    stage,
    urban_rural,
    edu_group,
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
