-- One row per 三本台账 entry (学习计划 / 能力成长 / 工作实践). Incremental by day (= entry_date).
-- The teacher version is the one valid on the entry's day.
with src as (
    {{ window_rows('stg_training__ledger_entries', ['entry_id']) }}
),
joined as (
    {{ with_teacher_version('src') }}
)
select
    {{ key('ledger_entry_key') }} as ledger_entry_key,
    district_id,
    partition_day as day,
    entry_date,
    entry_id,
    teacher_key,
    teacher_version_key,
    teacher_id,
    ledger,
    coalesce(attachments, 0) as attachments
from joined
