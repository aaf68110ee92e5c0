-- overall_score of both 五度 term marts must equal the weighted mean (seeds/five_degree_weights.csv)
-- of the non-NULL dimensions (NULL below overall_min_dimensions), and the band must follow seeds/five_degree_bands.csv.
-- Joins and GROUP BY only (no lateral or correlated aggregate): Spark rejects an aggregate that mixes
-- the outer row and the subquery's rows, and the same test must run on both engines.
-- shown in Dagster as a check of the model it protects most (it reads several)
{{ config(meta={'dagster': {'ref': {'name': 'fct_teacher_five_degree_term'}}}) }}
{%- set marts = [('fct_teacher_five_degree_term', 'teacher', teacher_dims(), 'teacher_term_key'), ('fct_student_five_degree_term', 'student', student_dims(), 'student_term_key')] %}
with min_dimensions as (
    select value as n from {{ ref('metric_params') }} where param = 'overall_min_dimensions'
)
{%- for model, evaluation, dims, row_key in marts %},
expected_{{ evaluation }} as (
    select f.{{ row_key }} as row_key, f.district_id, f.term_key, f.overall_score, f.band, f.dimensions_scored,
        sum(case {% for d in dims %}when w.dimension = '{{ d }}' then f.{{ d }} * w.weight {% endfor %}end)
        / nullif(sum(case {% for d in dims %}when w.dimension = '{{ d }}' and f.{{ d }} is not null then w.weight {% endfor %}else 0 end), 0)
            as weighted_mean
    from {{ ref(model) }} f
    left join {{ ref('int_five_degree_weights') }} w
        on w.district_id = f.district_id and w.evaluation = '{{ evaluation }}'
    group by f.{{ row_key }}, f.district_id, f.term_key, f.overall_score, f.band, f.dimensions_scored
),
band_{{ evaluation }} as (
    select f.{{ row_key }} as row_key, max_by(b.band, b.min_score) as expected_band
    from {{ ref(model) }} f
    join {{ ref('five_degree_bands') }} b on b.min_score <= f.overall_score
    group by f.{{ row_key }}
)
{%- endfor %}
{%- for model, evaluation, dims, row_key in marts %}
select '{{ model }}' as mart, e.district_id, e.term_key, e.overall_score, e.band,
    case when e.dimensions_scored >= m.n then e.weighted_mean end as expected_score
from expected_{{ evaluation }} e
cross join min_dimensions m
left join band_{{ evaluation }} bb on bb.row_key = e.row_key
where not (
    (e.overall_score is null and (case when e.dimensions_scored >= m.n then e.weighted_mean end) is null)
    or abs(e.overall_score - (case when e.dimensions_scored >= m.n then e.weighted_mean end)) <= 0.01
)
or coalesce(e.band, '-') <> coalesce(bb.expected_band, '-')
{% if not loop.last %}union all{% endif %}
{%- endfor %}
