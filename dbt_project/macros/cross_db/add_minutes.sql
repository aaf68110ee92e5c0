{#- A timestamp plus a whole number of minutes (a column or an expression). -#}
{% macro wudu_add_minutes(ts, minutes) -%}
    {{ return(adapter.dispatch('wudu_add_minutes', 'wudu')(ts, minutes)) }}
{%- endmacro %}

{% macro default__wudu_add_minutes(ts, minutes) -%}
    {{ ts }} + to_minutes({{ minutes }})
{%- endmacro %}

{% macro spark__wudu_add_minutes(ts, minutes) -%}
    timestampadd(MINUTE, cast({{ minutes }} as bigint), {{ ts }})
{%- endmacro %}
