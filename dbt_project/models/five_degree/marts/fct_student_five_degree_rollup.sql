{%- set dims = student_dims() -%}
-- 五度评学 roll-up: one row per term, roll-up level and group. Levels: district, school, class,
-- grade, stage (学段), urban_rural (城镇/乡村), edu_group, and school_grade (学校 × 年级, value
-- school_id|grade) crossing two levels. Averages are over students with a
-- non-NULL value; n_<dimension> says how many.
with f as (
    select
        s.*,
        s.district_id as district_group,
        sch.school_name,
        cls.class_title,
        d.district_name,
        s.school_id || '|' || coalesce(cast(s.grade as string), '未知') as school_grade,
        coalesce(sch.school_name, s.school_id) || '·' || coalesce(cast(s.grade as string), '未知') || '年级'
            as school_grade_label
    from {{ ref('fct_student_five_degree_term') }} s
    left join {{ ref('dim_school') }} sch on sch.school_key = s.school_key
    left join {{ ref('dim_district') }} d on d.district_id = s.district_id
    left join {{ ref('dim_class') }} cls on cls.class_key = s.class_key
),
band_ranges as (
    {{ five_degree_band_ranges() }}
),
rolled as (
    {{ five_degree_rollup('f', dims, [
        ['district', 'district_group', 'district_name'],
        ['school', 'school_id', 'school_name'],
        ['class', 'class_id', 'class_title'],
        ['grade', 'grade', 'grade'],
        ['stage', 'stage', 'stage'],
        ['urban_rural', 'urban_rural', 'urban_rural'],
        ['edu_group', 'edu_group', 'edu_group'],
        ['school_grade', 'school_grade', 'school_grade_label'],
    ], 'student_id') }}
)
select
    {{ key('rollup_key') }} as rollup_key,
    rolled.*,
    br.band as band_of_average
from rolled
{{ five_degree_band_join('rolled.avg_overall_score') }}
