{#- A double that is neither NaN nor ±infinity. -#}
{% macro wudu_is_finite(x) -%}
    {{ return(adapter.dispatch('wudu_is_finite', 'wudu')(x)) }}
{%- endmacro %}

{% macro default__wudu_is_finite(x) -%}
    isfinite({{ x }})
{%- endmacro %}

{% macro spark__wudu_is_finite(x) -%}
    (not isnan({{ x }}) and abs({{ x }}) <> double('infinity'))
{%- endmacro %}
