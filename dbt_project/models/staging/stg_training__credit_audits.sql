-- One row per credit audit decision (学分审核, per landing day).
select
    cast(audit_id as string)           as audit_id,
    cast(teacher_id as string)         as teacher_id,
    cast(id_card_hash as string)       as id_card_hash,
    cast(project_id as string)         as project_id,
    cast(approved_hours as double)      as approved_hours,
    cast(approved_credits as double)    as approved_credits,
    cast(result as string)             as result,
    cast(audit_date as date)            as audit_date,
    {{ loader_metadata() }}
from {{ source('training', 'credit_audits') }}
