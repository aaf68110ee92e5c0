-- Every enrollment (student in class, teacher of class) with the days it is valid:
-- from beginDate (open when empty) to the earliest of endDate and the last snapshot that still
-- listed it (when it disappeared from the roster or was marked tobedeleted).
with ranked as (
    select
        *,
        max(partition_day) over () as latest_snapshot_day,
        max(partition_day) over (partition by enrollment_id) as last_seen_day
    from {{ ref('stg_roster__enrollments') }}
    qualify row_number() over (
        partition by enrollment_id
        order by partition_day desc, loaded_at desc, source_row_number desc
    ) = 1
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
