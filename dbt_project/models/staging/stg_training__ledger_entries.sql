-- 三本台账记录 (学习计划/能力成长/工作实践): renamed and cast, one row per entry_id per landing day.
select
    cast(entry_id as {{ dbt.type_string() }})    as entry_id,
    cast(teacher_id as {{ dbt.type_string() }})  as teacher_id,
    cast(ledger as {{ dbt.type_string() }})      as ledger,
    cast(entry_date as date)                     as entry_date,
    cast(content as {{ dbt.type_string() }})     as content,
    cast(attachments as {{ dbt.type_int() }})    as attachments,
    {{ loader_metadata() }}
from {{ source('training', 'ledger_entries') }}
