{#- Small numeric helpers shared by the 五度 and rate marts. All scores are 0-100. -#}

{#- 100 * num / den, NULL when den is 0 or NULL (no evidence is never 0 %). -#}
{% macro pct(num, den) -%}
    (case when coalesce({{ den }}, 0) > 0 then 100.0 * ({{ num }}) / ({{ den }}) end)
{%- endmacro %}

{#- 100 * min(1, value / target): attainment of a target, capped at 100. NULL value stays NULL. -#}
{% macro against_target(value, target) -%}
    (case when ({{ value }}) is not null and ({{ target }}) > 0
          then 100.0 * least(1.0, greatest(0.0, ({{ value }}) / ({{ target }}))) end)
{%- endmacro %}

{#- 100 * value / target, not capped: twice the target reads 200 (五度 components stay continuous). -#}
{% macro of_target(value, target) -%}
    (case when ({{ value }}) is not null and ({{ target }}) > 0
          then 100.0 * greatest(0.0, ({{ value }}) / ({{ target }})) end)
{%- endmacro %}

{#- Rubric score 1..5 -> 0..100. -#}
{% macro rubric_to_100(score) -%}
    (100.0 * (({{ score }}) - 1) / 4.0)
{%- endmacro %}

{#- Mean of the non-NULL expressions; NULL when all are NULL. -#}
{% macro mean_of(exprs) -%}
    (
        ({% for e in exprs %}coalesce({{ e }}, 0){% if not loop.last %} + {% endif %}{% endfor %})
        / nullif({% for e in exprs %}(case when {{ e }} is null then 0 else 1 end){% if not loop.last %} + {% endif %}{% endfor %}, 0)
    )
{%- endmacro %}

{#- A parameter from seeds/metric_params.csv as a scalar subquery. -#}
{% macro param(name) -%}
    (select value from {{ ref('metric_params') }} where param = '{{ name }}')
{%- endmacro %}
