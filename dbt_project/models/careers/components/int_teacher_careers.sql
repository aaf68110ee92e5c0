-- The 教师发展档案 of the latest delivery: one row per teacher with the durable teacher key, the
-- current school and the as-of day (the district's last data day, else the delivery day).
with careers as (
    {{ current_snapshot('stg_training__teacher_careers') }}
)
select
    t.teacher_key,
    t.district_id,
    c.teacher_id,
    t.school_key,
    c.hire_date,
    c.certificate_type,
    c.certificate_year,
    c.registration_status,
    c.backbone_level,
    c.backbone_year,
    c.annual_review,
    c.cycle_review,
    c.probation_start,
    c.probation_end,
    c.probation_hours,
    c.probation_result,
    coalesce(h.last_day, c.partition_day) as as_of_day
from careers c
join {{ ref('dim_teacher') }} t on t.teacher_id = c.teacher_id and t.is_last_version
left join {{ ref('int_data_horizon') }} h on h.district_id = t.district_id
