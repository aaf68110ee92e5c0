{%- set dims = teacher_dims() -%}
-- 五度评教: one row per teacher per term in scope (universe and attributes: int_teacher_term_profile).
-- Each dimension is the mean of its components' standard scores (int_five_degree_dimension_scores:
-- 50 = the district x term x 学段 norm, 10 points = one standard deviation), NULL with a reason when
-- it does not apply or lacks evidence; each scored dimension carries a confidence 高/中/低 from its
-- evidence count. Observation coverage comes from fct_teacher_observation_coverage_term.
with profile as (
    select * from {{ ref('int_teacher_term_profile') }}
),
components as (
    select * from {{ ref('int_teacher_five_degree_components') }}
),
standard as (
    {{ five_degree_standard_pivot('teacher', dims) }}
),
weights as (
    {{ five_degree_weight_pivot('teacher', dims) }}
),
{{ five_degree_lookup_ctes('teacher', dims) }},
scored as (
    select
        p.*,
        c.self_rubric_score,
        {{ five_degree_dimension_scores('teacher', dims) }}
    from profile p
    left join components c on c.teacher_key = p.teacher_key and c.term_key = p.term_key
    left join standard ds on ds.person_id = p.teacher_id and ds.term_key = p.term_key
    left join applicability na on na.stage = p.stage
),
rated as (
    select
        s.*,
        {{ five_degree_rated_columns('teacher', dims) }}
    from scored s
    left join weights w on w.district_id = s.district_id
),
final as (
    select
        r.*,
        {{ five_degree_overall_confidence('r') }} as confidence,
        br.band,
        {{ five_degree_percentile('r.overall_score', 'r.district_id, r.term_key, r.stage') }} as overall_percentile,
        lag(r.overall_score) over (partition by r.district_id, r.teacher_id order by t.start_date) as overall_score_prev_term,
        oc.observations_expected_to_date,
        oc.observations_received,
        oc.coverage_pct as observation_coverage_pct
    from rated r
    join {{ ref('int_term_scope') }} t on t.term_key = r.term_key
    left join {{ ref('fct_teacher_observation_coverage_term') }} oc
        on oc.teacher_key = r.teacher_key and oc.term_key = r.term_key
    left join confidence_by_count cc on cc.n_at_medium = {{ five_degree_medium_count(dims, 'r') }}
    {{ five_degree_band_join('r.overall_score') }}
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
    {{ five_degree_score_columns(dims) }},
    round(self_rubric_score, 2) as self_rubric_score,
    observations_expected_to_date,
    observations_received,
    observation_coverage_pct
from final
