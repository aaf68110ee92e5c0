{#- Surrogate key: md5 of the tenant (district org id) and the natural key columns.
    Models use the registry, key('teacher_version_key', 'v') (macros/keys.sql); wudu_key(district, col...)
    is the same hash for ad-hoc checks. NULL parts become a sentinel so (NULL, 'a') and ('', 'a') differ. -#}
{% macro wudu_key(district) -%}
    {{ key_hash([district] + varargs | list) }}
{%- endmacro %}

{% macro key_hash(parts) -%}
    md5(concat_ws('|'
        {%- for col in parts %},
        coalesce(cast({{ col }} as string), '<null>')
        {%- endfor %}
    ))
{%- endmacro %}
