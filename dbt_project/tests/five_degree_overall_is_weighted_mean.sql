-- overall_score of both 五度 term marts must equal the weighted mean (seeds/five_degree_weights.csv)
-- of the non-NULL dimensions (NULL below overall_min_dimensions), and the band must follow seeds/five_degree_bands.csv.
-- shown in Dagster as a check of the model it protects most (it reads several)
{{ config(meta={'dagster': {'ref': {'name': 'fct_teacher_five_degree_term'}}}) }}
{%- set marts = [('fct_teacher_five_degree_term', 'teacher', teacher_dims()), ('fct_student_five_degree_term', 'student', student_dims())] %}
{%- for model, evaluation, dims in marts %}
select '{{ model }}' as mart, f.district_id, f.term_key, f.overall_score, f.band, expected.score as expected_score
from {{ ref(model) }} f
cross join lateral (
    select
        case when f.dimensions_scored >= (select value from {{ ref('metric_params') }} where param = 'overall_min_dimensions')
        then sum(case {% for d in dims %}when w.dimension = '{{ d }}' then f.{{ d }} * w.weight {% endfor %}end)
        / nullif(sum(case {% for d in dims %}when w.dimension = '{{ d }}' and f.{{ d }} is not null then w.weight {% endfor %}else 0 end), 0)
        end as score
    from {{ ref('int_five_degree_weights') }} w
    where w.district_id = f.district_id and w.evaluation = '{{ evaluation }}'
) expected
where not (
    (f.overall_score is null and expected.score is null)
    or abs(f.overall_score - expected.score) <= 0.01
)
or coalesce(f.band, '-') <> coalesce(
    (select max_by(b.band, b.min_score) from {{ ref('five_degree_bands') }} b where b.min_score <= f.overall_score), '-')
{% if not loop.last %}union all{% endif %}
{%- endfor %}
