{#- Surrogate key: md5 of the tenant (district org id) and the natural key columns.
    wudu_key('district_id', 'teacher_id', 'valid_from')
    NULL parts become a sentinel so (NULL, 'a') and ('', 'a') differ. -#}
{% macro wudu_key(district) -%}
    md5(concat_ws('|',
        coalesce(cast({{ district }} as varchar), '<null>')
        {%- for col in varargs %},
        coalesce(cast({{ col }} as varchar), '<null>')
        {%- endfor %}
    ))
{%- endmacro %}
