-- One row per training project per snapshot day.
select
    cast(project_id as string)         as project_id,
    cast(project_name as string)       as project_name,
    cast(level as string)              as training_level,
    cast(project_type as string)       as project_type,
    cast(is_package as boolean)         as is_package,
    cast(base_school_id as string)     as base_school_id,
    cast(subject as string)            as subject,
    cast(planned_hours as double)       as planned_hours,
    cast(start_date as date)            as start_date,
    cast(end_date as date)              as end_date,
    cast(budget_yuan as double)         as budget_yuan,
    cast(outputs as integer)            as outputs,
    {{ loader_metadata() }}
from {{ source('training', 'projects') }}
