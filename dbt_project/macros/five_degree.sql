{#-
  Shared 五度 scoring, used by fct_teacher_five_degree_term and fct_student_five_degree_term.

  five_degree_dimension_scores: per dimension, the raw score of the components model (alias c) when
  its evidence reaches min_evidence of seeds/five_degree_dimensions.csv, else NULL (never an
  invented number); plus evidence_<dimension>.

  five_degree_overall: weighted mean of the non-NULL dimensions with the district's weights (w.w_<dim>,
  see int_five_degree_weights), NULL when fewer than overall_min_dimensions (seeds/metric_params.csv)
  dimensions are scored: one strong dimension alone must not read as an 优 teacher or student.

  five_degree_band: the band of seeds/five_degree_bands.csv with the highest min_score <= score.
-#}
{% macro five_degree_dimension_scores(evaluation, dims, c='c') -%}
    {%- for d in dims %}
    case
        when {{ c }}.evidence_{{ d }} >= (
            select min_evidence from {{ ref('five_degree_dimensions') }}
            where evaluation = '{{ evaluation }}' and dimension = '{{ d }}'
        )
        then round(greatest(0.0, least(100.0, {{ c }}.raw_{{ d }})), 2)
    end as {{ d }},
    cast(coalesce({{ c }}.evidence_{{ d }}, 0) as integer) as evidence_{{ d }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro five_degree_weight_pivot(evaluation, dims) -%}
    select
        district_id
        {%- for d in dims %},
        coalesce(max(case when dimension = '{{ d }}' then weight end), 0) as w_{{ d }}
        {%- endfor %}
    from {{ ref('int_five_degree_weights') }}
    where evaluation = '{{ evaluation }}'
    group by district_id
{%- endmacro %}

{% macro five_degree_overall(dims, s='s', w='w') -%}
    -- an overall score needs enough of the picture: at least overall_min_dimensions scored dimensions
    case when {{ five_degree_scored_count(dims, s) }} >= (
        select value from {{ ref('metric_params') }} where param = 'overall_min_dimensions'
    ) then round(
        ({% for d in dims %}coalesce({{ s }}.{{ d }} * {{ w }}.w_{{ d }}, 0){% if not loop.last %} + {% endif %}{% endfor %})
        / nullif({% for d in dims %}(case when {{ s }}.{{ d }} is not null then {{ w }}.w_{{ d }} else 0 end){% if not loop.last %} + {% endif %}{% endfor %}, 0),
    2) end
{%- endmacro %}

{% macro five_degree_band(score) -%}
    (select arg_max(b.band, b.min_score) from {{ ref('five_degree_bands') }} b where b.min_score <= {{ score }})
{%- endmacro %}

{% macro five_degree_scored_count(dims, s='s') -%}
    ({% for d in dims %}(case when {{ s }}.{{ d }} is not null then 1 else 0 end){% if not loop.last %} + {% endif %}{% endfor %})
{%- endmacro %}

{#-
  Roll-up of a 五度 term fact: one union-all branch per level; each row is one group of one level.
  levels: list of [level name, value column, label column].
-#}
{% macro five_degree_rollup(fact, dims, levels, person_key) -%}
    {%- for level in levels %}
    select
        '{{ level[0] }}' as rollup_level,
        f.district_id,
        f.term_key,
        f.term_id,
        coalesce(cast(f.{{ level[1] }} as varchar), '未知') as rollup_value,
        coalesce(cast(min(f.{{ level[2] }}) as varchar), cast(f.{{ level[1] }} as varchar), '未知') as rollup_label,
        count(distinct f.{{ person_key }}) as n_persons,
        count(f.overall_score) as n_scored,
        {{ exact_avg('f.overall_score') }} as avg_overall_score
        {%- for d in dims %},
        {{ exact_avg('f.' ~ d) }} as avg_{{ d }},
        count(f.{{ d }}) as n_{{ d }}
        {%- endfor %}
    from {{ fact }} f
    group by f.district_id, f.term_key, f.term_id, f.{{ level[1] }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- Mean rounded to 2 decimals, summed as DECIMAL: a float sum depends on the (parallel) order of
    its terms, and a mean that lands on x.xx5 would round differently from run to run. -#}
{% macro exact_avg(expr) -%}
    cast(round(avg(cast({{ expr }} as decimal(18, 4))), 2) as double)
{%- endmacro %}
