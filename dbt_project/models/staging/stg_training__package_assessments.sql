-- 项目包年度验收: renamed and cast, one row per project_id, assessment_year per snapshot day.
select
    cast(project_id as {{ dbt.type_string() }})       as project_id,
    cast(assessment_year as {{ dbt.type_int() }})     as assessment_year,
    cast(design_score as double)      as design_score,
    cast(process_score as double)     as process_score,
    cast(funds_score as double)       as funds_score,
    cast(outputs_score as double)     as outputs_score,
    cast(funds_spent_yuan as double)  as funds_spent_yuan,
    cast(assessed_on as date)                         as assessed_on,
    {{ loader_metadata() }}
from {{ source('training', 'package_assessments') }}
