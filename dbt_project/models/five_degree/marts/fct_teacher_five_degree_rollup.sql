{%- set dims = teacher_dims() -%}
-- 五度评教 roll-up: one row per term, roll-up level and group. Levels: district, school, stage
-- (学段), subject (the teacher's main subject in the term), urban_rural (城镇/乡村), edu_group, and
-- school_subject (学校 × 学科, value school_id|subject) crossing two levels.
-- Averages are over teachers with a non-NULL value; n_<dimension> says how many.
with f as (
    select
        t.*,
        t.district_id as district_group,
        sch.school_name,
        d.district_name,
        t.school_id || '|' || coalesce(t.main_subject, '未知') as school_subject,
        coalesce(sch.school_name, t.school_id) || '·' || coalesce(t.main_subject, '未知') as school_subject_label
    from {{ ref('fct_teacher_five_degree_term') }} t
    left join {{ ref('dim_school') }} sch on sch.school_key = t.school_key
    left join {{ ref('dim_district') }} d on d.district_id = t.district_id
),
band_ranges as (
    {{ five_degree_band_ranges() }}
),
rolled as (
    {{ five_degree_rollup('f', dims, [
        ['district', 'district_group', 'district_name'],
        ['school', 'school_id', 'school_name'],
        ['stage', 'stage', 'stage'],
        ['subject', 'main_subject', 'main_subject'],
        ['urban_rural', 'urban_rural', 'urban_rural'],
        ['edu_group', 'edu_group', 'edu_group'],
        ['school_subject', 'school_subject', 'school_subject_label'],
    ], 'teacher_id') }}
)
select
    {{ key('rollup_key') }} as rollup_key,
    rolled.*,
    br.band as band_of_average
from rolled
{{ five_degree_band_join('rolled.avg_overall_score') }}
