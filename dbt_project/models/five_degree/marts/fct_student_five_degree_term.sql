{%- set dims = student_dims() -%}
-- 五度评学: one row per student per term in scope (universe: int_student_term_profile). Grade,
-- school and class are the student's at the end of the term's scope. Each dimension is the mean of
-- its components' standard scores (int_five_degree_dimension_scores: 50 = the district x term x 学段
-- norm, 10 points = one standard deviation), NULL with a reason when it does not apply to the 学段
-- (seeds/five_degree_applicability.csv) or lacks evidence. No personal data.
with components as (
    select * from {{ ref('int_student_five_degree_components') }}
),
profile as (
    select
        pr.*,
        sch.school_key,
        sch.stage,
        sch.urban_rural,
        sch.edu_group
    from {{ ref('int_student_term_profile') }} pr
    left join {{ ref('dim_school') }} sch on sch.school_id = pr.school_id
),
scope as (
    select * from {{ ref('int_term_scope') }}
),
standard as (
    {{ five_degree_standard_pivot('student', dims) }}
),
weights as (
    {{ five_degree_weight_pivot('student', dims) }}
),
{{ five_degree_lookup_ctes('student', dims) }},
scored as (
    select
        p.student_id,
        p.term_key,
        sc.term_id,
        sc.start_date as term_start_date,
        p.district_id,
        p.grade,
        p.school_id,
        p.class_id,
        p.school_key,
        p.stage,
        p.urban_rural,
        p.edu_group,
        cls.class_key,
        st.student_key,
        {{ five_degree_dimension_scores('student', dims) }}
    from profile p
    join scope sc on sc.term_key = p.term_key
    left join components c on c.student_id = p.student_id and c.term_key = p.term_key
    left join standard ds on ds.person_id = p.student_id and ds.term_key = p.term_key
    left join {{ ref('dim_class') }} cls on cls.class_id = p.class_id
    left join {{ ref('dim_student') }} st on st.student_id = p.student_id
    left join applicability na on na.stage = p.stage
),
rated as (
    select
        s.*,
        {{ five_degree_rated_columns('student', dims) }}
    from scored s
    left join weights w on w.district_id = s.district_id
),
-- the windows get only the columns they need, projected in a subquery (DuckDB otherwise carries the
-- ≈ 40 columns of a row through each of the three windows: 6.6 s -> 3.5 s for a city, docs/benchmarks.md),
-- and are joined back on the grain
ranked as (
    select
        district_id,
        student_id,
        term_key,
        {{ five_degree_percentile('overall_score', 'district_id, term_key, stage') }} as overall_percentile,
        lag(overall_score) over (partition by district_id, student_id order by term_start_date)
            as overall_score_prev_term
    from (select district_id, student_id, term_key, stage, overall_score, term_start_date from rated) as narrow
),
final as (
    select
        r.*,
        {{ five_degree_overall_confidence('r') }} as confidence,
        br.band,
        rk.overall_percentile,
        rk.overall_score_prev_term
    from rated r
    join ranked rk on rk.district_id = r.district_id and rk.student_id = r.student_id and rk.term_key = r.term_key
    left join confidence_by_count cc on cc.n_at_medium = {{ five_degree_medium_count(dims, 'r') }}
    {{ five_degree_band_join('r.overall_score') }}
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
    {{ five_degree_score_columns(dims) }}
from final
