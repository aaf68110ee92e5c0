-- One row per school org (latest roster record): 城镇/乡村, 学段, 教育集团, devices and smart
-- classrooms, with current teacher and student head-counts for per-100 ratios.
with teachers as (
    select school_id, count(*) as current_teachers
    from {{ ref('int_teacher_versions') }}
    where is_last_version and valid_to = date '9999-12-31'
    group by school_id
),
students as (
    select school_id, count(*) as current_students
    from {{ ref('int_student_versions') }}
    where is_last_version and valid_to = date '9999-12-31'
    group by school_id
)
select
    {{ key('school_key', 'o', school_id='o.org_id') }} as school_key,
    o.org_id as school_id,
    o.district_id,
    {{ key('district_key', 'o') }} as district_key,
    o.org_name as school_name,
    o.org_code as school_code,
    o.urban_rural,
    o.stage,
    o.edu_group,
    coalesce(o.is_smart_school, false) as is_smart_school,
    o.bandwidth_mbps,
    o.teacher_devices,
    o.student_devices,
    o.smart_classrooms,
    coalesce(t.current_teachers, 0) as current_teachers,
    coalesce(s.current_students, 0) as current_students,
    case when t.current_teachers > 0 then 100.0 * o.teacher_devices / t.current_teachers end as teacher_devices_per_100_teachers,
    case when s.current_students > 0 then 100.0 * o.student_devices / s.current_students end as student_devices_per_100_students,
    o.is_current
from {{ ref('int_orgs') }} o
left join teachers t on t.school_id = o.org_id
left join students s on s.school_id = o.org_id
where o.org_type = 'school'
