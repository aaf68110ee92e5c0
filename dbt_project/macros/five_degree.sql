{#-
  Shared 五度 scoring, used by fct_teacher_five_degree_term and fct_student_five_degree_term.

  five_degree_dimension_scores: per dimension, the dimension's standard score (ds.std_<dimension>,
  int_five_degree_dimension_scores) when the dimension applies to the person's 学段
  (seeds/five_degree_applicability.csv) and its evidence reaches min_evidence
  (seeds/five_degree_dimensions.csv), else NULL with <dimension>_null_reason — never an invented 0;
  plus evidence_<dimension>.

  five_degree_confidence: 高 / 中 / 低 of a scored dimension from its evidence count against
  medium_evidence / high_evidence of seeds/five_degree_dimensions.csv.

  five_degree_overall: weighted mean of the non-NULL dimensions with the district's weights (w.w_<dim>,
  see int_five_degree_weights), NULL when fewer than overall_min_dimensions (seeds/metric_params.csv)
  dimensions are scored. Dimensions are standard scores on one scale, so averaging whichever exist
  does not favour or penalise a person for the evidence that happened to exist.

  five_degree_band_join: the band of seeds/five_degree_bands.csv with the highest min_score <= score.
-#}
{% macro five_degree_rule(evaluation, dimension, column) -%}
    (select {{ column }} from {{ ref('five_degree_dimensions') }}
     where evaluation = '{{ evaluation }}' and dimension = '{{ dimension }}')
{%- endmacro %}

{#- The lookups below are joins, not per-row subqueries: a subquery correlated with the row (its
    学段, its score) makes the engine carry every wide row through a join per lookup — on a city's
    943k students that spilled 18 GB and took 73 s of one model. -#}

{#- Why a dimension does not apply, per 学段: one row per stage, na_<dimension> = the reason or NULL
    (seeds/five_degree_applicability.csv). Joined as `na` on the person's stage. -#}
{% macro five_degree_applicability_pivot(evaluation, dims) -%}
    select
        stage
        {%- for d in dims %},
        max(case when dimension = '{{ d }}' then reason_zh end) as na_{{ d }}
        {%- endfor %}
    from {{ ref('five_degree_applicability') }}
    where evaluation = '{{ evaluation }}'
    group by stage
{%- endmacro %}

{% macro five_degree_not_applicable(dimension, na='na') -%}
    {{ na }}.na_{{ dimension }}
{%- endmacro %}

{% macro five_degree_dimension_scores(evaluation, dims, c='c', ds='ds', na='na') -%}
    {%- for d in dims %}
    {%- set min_evidence = five_degree_rule(evaluation, d, 'min_evidence') %}
    {%- set not_applicable = five_degree_not_applicable(d, na) %}
    {%- set evidence = 'coalesce(' ~ c ~ '.evidence_' ~ d ~ ', 0)' %}
    case when {{ not_applicable }} is null and {{ evidence }} >= {{ min_evidence }}
         then round({{ ds }}.std_{{ d }}, 2) end as {{ d }},
    cast({{ evidence }} as integer) as evidence_{{ d }},
    case
        when {{ not_applicable }} is not null then '不适用：' || {{ not_applicable }}
        when {{ evidence }} < {{ min_evidence }}
            then '证据不足：' || cast({{ evidence }} as string) || ' 项，少于 ' || cast({{ min_evidence }} as string) || ' 项'
        when {{ ds }}.std_{{ d }} is null then '无常模：区县内有此证据的人数不足'
    end as {{ d }}_null_reason,
    {{ not_applicable }} as na_{{ d }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro five_degree_confidence(evaluation, d, s='s') -%}
    case when {{ s }}.{{ d }} is not null then
        case when {{ s }}.evidence_{{ d }} >= {{ five_degree_rule(evaluation, d, 'high_evidence') }} then '高'
             when {{ s }}.evidence_{{ d }} >= {{ five_degree_rule(evaluation, d, 'medium_evidence') }} then '中'
             else '低' end
    end
{%- endmacro %}

{% macro five_degree_standard_pivot(evaluation, dims) -%}
    select
        person_id,
        term_key
        {%- for d in dims %},
        max(case when dimension = '{{ d }}' then standard_score end) as std_{{ d }}
        {%- endfor %}
    from {{ ref('int_five_degree_dimension_scores') }}
    where evaluation = '{{ evaluation }}'
    group by person_id, term_key
{%- endmacro %}

{#- Overall confidence: the best level of seeds/confidence_levels.csv whose
    min_dimensions_at_medium <= the scored dimensions at 中 or 高; NULL without an overall score.
    five_degree_confidence_by_count: that level for each possible count 0..len(dims) (a CTE), joined
    on five_degree_medium_count of the row; five_degree_overall_confidence reads the joined `cc`. -#}
{% macro five_degree_confidence_by_count(dims) -%}
    select n.n_at_medium, min_by(l.confidence, l.rank) as confidence
    from ({% for i in range(dims | length + 1) %}select {{ i }} as n_at_medium{% if not loop.last %} union all {% endif %}{% endfor %}) n
    join {{ ref('confidence_levels') }} l on l.min_dimensions_at_medium <= n.n_at_medium
    group by n.n_at_medium
{%- endmacro %}

{% macro five_degree_medium_count(dims, s='s') -%}
    ({% for d in dims %}(case when {{ s }}.{{ d }}_confidence in ('高', '中') then 1 else 0 end){% if not loop.last %} + {% endif %}{% endfor %})
{%- endmacro %}

{% macro five_degree_overall_confidence(s='s', cc='cc') -%}
    case when {{ s }}.overall_score is not null then {{ cc }}.confidence end
{%- endmacro %}

{#- Mid-rank percentile of a score within district x term x 学段 (0-100; NULL score -> NULL). NULLs are
    ordered last explicitly: DuckDB does so by default, Spark puts them first. -#}
{% macro five_degree_percentile(score, partition) -%}
    case when {{ score }} is not null then round(100.0 * (
        (rank() over (partition by {{ partition }} order by {{ score }} nulls last) - 1)
        + 0.5 * count(*) over (partition by {{ partition }}, {{ score }})
    ) / count({{ score }}) over (partition by {{ partition }}), 2) end
{%- endmacro %}

{% macro five_degree_applicable_count(dims, s='s') -%}
    ({% for d in dims %}(case when {{ s }}.na_{{ d }} is null then 1 else 0 end){% if not loop.last %} + {% endif %}{% endfor %})
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

{#- The three lookup CTEs both 五度 term marts join (as na, cc and br): applicability per 学段,
    overall confidence per count of dimensions at 中/高, bands as score ranges. -#}
{% macro five_degree_lookup_ctes(evaluation, dims) -%}
applicability as (
    {{ five_degree_applicability_pivot(evaluation, dims) }}
),
confidence_by_count as (
    {{ five_degree_confidence_by_count(dims) }}
),
band_ranges as (
    {{ five_degree_band_ranges() }}
)
{%- endmacro %}

{#- Bands as score ranges [min_score, next band's min_score) (a CTE), and the join that gives a row
    its band: the band with the highest min_score <= score; NULL for a NULL score or one below every band. -#}
{% macro five_degree_band_ranges() -%}
    select band, min_score, lead(min_score) over (order by min_score) as next_min_score
    from {{ ref('five_degree_bands') }}
{%- endmacro %}

{% macro five_degree_band_join(score, ranges='band_ranges', alias='br') -%}
    left join {{ ranges }} {{ alias }}
        on {{ score }} >= {{ alias }}.min_score
        and ({{ alias }}.next_min_score is null or {{ score }} < {{ alias }}.next_min_score)
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
        coalesce(cast(f.{{ level[1] }} as string), '未知') as rollup_value,
        coalesce(cast(min(f.{{ level[2] }}) as string), cast(f.{{ level[1] }} as string), '未知') as rollup_label,
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

{#- The score columns every 五度 term mart publishes, in one order: dimensions, overall and band,
    evidence, per-dimension confidence and NULL reason, coverage, percentile and term change. -#}
{% macro five_degree_score_columns(dims) -%}
    {%- for d in dims %}
    {{ d }},
    {%- endfor %}
    overall_score,
    band,
    dimensions_scored,
    {%- for d in dims %}
    evidence_{{ d }},
    {%- endfor %}
    {%- for d in dims %}
    {{ d }}_confidence,
    {{ d }}_null_reason,
    {%- endfor %}
    dimensions_applicable,
    round(100.0 * dimensions_scored / nullif(dimensions_applicable, 0), 2) as coverage_pct,
    confidence,
    overall_percentile,
    overall_score_prev_term,
    round(overall_score - overall_score_prev_term, 2) as overall_score_change
{%- endmacro %}

{#- Per-dimension confidence, how many dimensions are scored and apply, and the weighted overall:
    the same for both evaluations (reads the scored CTE `s` and the weights `w`). -#}
{% macro five_degree_rated_columns(evaluation, dims) -%}
    {%- for d in dims %}
        {{ five_degree_confidence(evaluation, d) }} as {{ d }}_confidence,
    {%- endfor %}
        {{ five_degree_scored_count(dims) }} as dimensions_scored,
        {{ five_degree_applicable_count(dims) }} as dimensions_applicable,
        {{ five_degree_overall(dims) }} as overall_score
{%- endmacro %}
