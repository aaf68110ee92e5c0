-- Every enrollment (student in class, teacher of class) with the days it is valid:
-- from beginDate (open when empty) to the earliest of endDate and the last snapshot that still
-- listed it (when it disappeared from the roster or was marked tobedeleted).
with ranked as (
    -- the latest record of each enrollment; its landing day is the last snapshot that listed it
    select *, partition_day as last_seen_day
    from ({{ latest_from_changes('int_enrollment_snapshot_changes', 'stg_roster__enrollments', 'enrollment_id') }}) latest_enrollment
)
select
    enrollment_id,
    user_id,
    class_id,
    school_id,
    role,
    coalesce(is_primary, false) as is_primary,
    status,
    coalesce(begin_date, date '1900-01-01') as valid_from,
    least(
        coalesce(end_date, date '9999-12-31'),
        case
            when last_seen_day < latest_snapshot_day or status = 'tobedeleted' then last_seen_day
            else date '9999-12-31'
        end
    ) as valid_to,
    last_seen_day,
    latest_snapshot_day
from ranked
