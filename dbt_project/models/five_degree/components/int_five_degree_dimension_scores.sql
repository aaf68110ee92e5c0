-- 五度 dimension standard scores: the mean of a person's component standard scores per dimension
-- (equal weight per component, int_five_degree_standard_scores). Minimum evidence and
-- applicability are applied in the term marts. Grain: one row per evaluation, person, term and
-- dimension with at least one standardised component.
select
    evaluation,
    person_id,
    term_key,
    district_id,
    dimension,
    avg(standard_score) as standard_score,
    count(*) as components_scored,
    bool_or(norm_level = '区县') as uses_district_norm
from {{ ref('int_five_degree_standard_scores') }}
where standard_score is not null
group by all
