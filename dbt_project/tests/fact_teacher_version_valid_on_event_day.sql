-- Every event fact that names a teacher version must name the version valid on the event's day
-- (first version also covers earlier days, last version later days). See the YAML description.
-- shown in Dagster as a check of the model it protects most (it reads several)
{{ config(meta={'dagster': {'ref': {'name': 'dim_teacher'}}}) }}
{%- set facts = [
    ('fct_lesson_sessions', 'teacher_version_key', 'day'),
    ('fct_observation_scores', 'teacher_version_key', 'day'),
    ('fct_training_signins', 'teacher_version_key', 'day'),
    ('fct_credit_audits', 'teacher_version_key', 'day'),
    ('fct_xapi_statements', 'actor_teacher_version_key', 'day'),
] %}
{%- for model, key, day in facts %}
select '{{ model }}' as fact, f.{{ key }} as teacher_version_key, f.{{ day }} as day
from {{ ref(model) }} f
join {{ ref('dim_teacher') }} t on t.teacher_version_key = f.{{ key }}
where not {{ valid_version('t', 'f.' ~ day) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
