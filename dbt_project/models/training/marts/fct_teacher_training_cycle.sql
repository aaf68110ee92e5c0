-- Five-year continuing-education cycle (seeds/training_cycles.csv, 360 学时) per teacher: recognised
-- 学时 and 学分 so far, progress, and whether the teacher is on track for the elapsed share of the
-- cycle. As of the district's last data day. One row per teacher (durable key) per started cycle.
with cycles as (
    select c.*, h.district_id, least(c.end_date, h.last_day) as as_of_day
    from {{ ref('training_cycles') }} c
    join {{ ref('int_data_horizon') }} h on c.start_date <= h.last_day
),
universe as (
    select distinct v.teacher_key, c.cycle_id, c.district_id
    from {{ ref('dim_teacher') }} v
    join cycles c on c.district_id = v.district_id and v.valid_from <= c.as_of_day and v.valid_to >= c.start_date
),
credits as (
    select r.teacher_key, c.cycle_id, sum(r.recognised_hours) as recognised_hours, sum(r.recognised_credits) as recognised_credits
    from {{ ref('int_recognised_hours') }} r  -- audits and the 历年学时 archive
    join cycles c on c.district_id = r.district_id and r.audit_date between c.start_date and c.end_date
    group by all
),
keys as (
    select teacher_key, cycle_id, district_id from universe
    union
    select r.teacher_key, c.cycle_id, c.district_id
    from credits r join cycles c on c.cycle_id = r.cycle_id
    join {{ ref('dim_teacher') }} v on v.teacher_key = r.teacher_key and v.district_id = c.district_id
),
profile as (
    select k.*, c.start_date, c.end_date, c.required_hours, c.as_of_day, v.teacher_id, v.teacher_version_key, v.school_key
    from keys k
    join cycles c on c.cycle_id = k.cycle_id and c.district_id = k.district_id
    join {{ ref('dim_teacher') }} v on v.teacher_key = k.teacher_key and {{ valid_version('v', 'c.as_of_day') }}
),
measured as (
    select
        p.*,
        {{ zero_if_missing('cr', ['recognised_hours', 'recognised_credits']) }},
        1.0 * ({{ dbt.datediff('p.start_date', 'p.as_of_day', 'day') }} + 1) / ({{ dbt.datediff('p.start_date', 'p.end_date', 'day') }} + 1) as elapsed_share
    from profile p
    left join credits cr on cr.teacher_key = p.teacher_key and cr.cycle_id = p.cycle_id
)
select
    {{ key('teacher_cycle_key') }} as teacher_cycle_key,
    district_id,
    cycle_id,
    start_date as cycle_start,
    end_date as cycle_end,
    as_of_day,
    teacher_key,
    teacher_version_key,
    teacher_id,
    school_key,
    required_hours,
    recognised_hours,
    recognised_credits,
    least(100.0, {{ pct('recognised_hours', 'required_hours') }}) as progress_pct,
    greatest(0.0, required_hours - recognised_hours) as remaining_hours,
    round(100.0 * elapsed_share, 2) as elapsed_pct,
    round(required_hours * elapsed_share, 2) as expected_hours_to_date,
    recognised_hours >= required_hours * elapsed_share as is_on_track,
    recognised_hours >= required_hours as is_complete
from measured
