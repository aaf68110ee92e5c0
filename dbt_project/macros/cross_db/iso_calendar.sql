{#- ISO calendar parts of a date: day of week 1 (Monday) .. 7 (Sunday), and the ISO week-numbering year. -#}
{% macro wudu_iso_day_of_week(day) -%}
    {{ return(adapter.dispatch('wudu_iso_day_of_week', 'wudu')(day)) }}
{%- endmacro %}

{% macro default__wudu_iso_day_of_week(day) -%}
    isodow({{ day }})
{%- endmacro %}

{% macro spark__wudu_iso_day_of_week(day) -%}
    extract(dayofweek_iso from {{ day }})
{%- endmacro %}

{% macro wudu_iso_year(day) -%}
    {{ return(adapter.dispatch('wudu_iso_year', 'wudu')(day)) }}
{%- endmacro %}

{% macro default__wudu_iso_year(day) -%}
    extract(isoyear from {{ day }})
{%- endmacro %}

{% macro spark__wudu_iso_year(day) -%}
    extract(yearofweek from {{ day }})
{%- endmacro %}
