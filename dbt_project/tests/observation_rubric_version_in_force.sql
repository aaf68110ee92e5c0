-- An observation's rubric version must exist, be in force on the observation day, fit the 学段 of
-- the teacher's school and contain the indicator scored (seeds/rubric_versions.csv,
-- seeds/rubric_version_items.csv). Rows returned are observations scored on the wrong rubric.
-- shown in Dagster as a check of the model it protects most (it reads several)
{{ config(meta={'dagster': {'ref': {'name': 'fct_observation_scores'}}}) }}
select o.observation_id, o.indicator_code, o.rubric_version, o.observed_on, s.stage
from {{ ref('fct_observation_scores') }} o
left join {{ ref('rubric_versions') }} v on v.rubric_version = o.rubric_version
left join {{ ref('dim_teacher') }} t on t.teacher_version_key = o.teacher_version_key
left join {{ ref('dim_school') }} s on s.school_key = t.school_key
where o.rubric_version is not null
  and (
      v.rubric_version is null
      or o.observed_on not between v.effective_from and v.effective_to
      or (v.stage <> '*' and s.stage is not null and v.stage <> s.stage)
      or not exists (
          select 1 from {{ ref('rubric_version_items') }} i
          where i.rubric_version = o.rubric_version and i.indicator_code = o.indicator_code
      )
  )
