{#- The key registry: every surrogate key of the warehouse and the natural-key columns it is built
    from, in order (the tenant first). Models write key('teacher_term_key', 'p') instead of spelling
    the columns; a column named differently at the call site is passed by name, e.g.
    key('school_key', 'o', school_id='o.org_id'). The hash itself is wudu_key (macros/wudu_key.sql). -#}
{% macro key_columns() -%}
    {{ return({
        'district_key': ['district_id'],
        'school_key': ['district_id', 'school_id'],
        'class_key': ['district_id', 'class_id'],
        'student_key': ['district_id', 'student_id'],
        'teacher_key': ['district_id', 'teacher_id'],
        'teacher_version_key': ['district_id', 'teacher_id', 'valid_from'],
        'term_key': ['district_id', 'term_id'],
        'school_year_key': ['district_id', 'school_year'],
        'project_key': ['district_id', 'project_id'],
        'session_key': ['district_id', 'session_id'],
        'statement_key': ['district_id', 'statement_id'],
        'signin_key': ['district_id', 'signin_id'],
        'audit_key': ['district_id', 'audit_id'],
        'observation_score_key': ['district_id', 'observation_id', 'indicator_code'],
        'survey_answer_key': ['district_id', 'response_id', 'item_code'],
        'student_evaluation_key': ['district_id', 'response_id', 'item_code'],
        'school_term_key': ['district_id', 'school_id', 'term_id'],
        'teacher_term_key': ['district_id', 'teacher_id', 'term_id'],
        'student_term_key': ['district_id', 'student_id', 'term_id'],
        'teacher_cycle_key': ['district_id', 'teacher_id', 'cycle_id'],
        'school_month_key': ['district_id', 'school_id', 'month_start'],
        'project_age_band_key': ['district_id', 'project_id', 'band_label'],
        'rollup_key': ['district_id', 'term_id', 'rollup_level', 'rollup_value'],
        'topic_key': ['district_id', 'topic_id'],
        'topic_group_key': ['district_id', 'group_id'],
        'research_stage_key': ['district_id', 'topic_level', 'topic_stage'],
        'ledger_entry_key': ['district_id', 'entry_id'],
        'teacher_year_key': ['district_id', 'teacher_id', 'ledger_year'],
        'package_assessment_key': ['district_id', 'project_id', 'assessment_year'],
        'it20_school_key': ['district_id', 'school_code'],
        'course_key': ['district_id', 'course_id'],
        'resource_use_key': ['district_id', 'use_id'],
    }) }}
{%- endmacro %}

{% macro key(name, alias=none) -%}
    {%- set registry = key_columns() -%}
    {%- if name not in registry -%}
        {{ exceptions.raise_compiler_error("key(): '" ~ name ~ "' is not in the key registry (macros/keys.sql)") }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for c in registry[name] -%}
        {%- do parts.append(kwargs.get(c, (alias ~ '.' ~ c) if alias else c)) -%}
    {%- endfor -%}
    {{ key_hash(parts) }}
{%- endmacro %}
