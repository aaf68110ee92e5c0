-- Age structure of each project's participants: one row per project and birth-year band of
-- seeds/birth_year_bands.csv (plus 未知 for an unknown birth year), zero rows included.
-- Birth year from the teacher version on the participant's first sign-in day.
with bands as (
    select band_label, sort_order from {{ ref('birth_year_bands') }}
    union all
    select '未知', 99
),
participants as (
    select a.project_id, coalesce(t.birth_year_band, '未知') as band_label
    from {{ ref('int_teacher_project_attendance') }} a
    left join {{ ref('dim_teacher') }} t on t.teacher_version_key = a.first_teacher_version_key
),
counts as (
    select project_id, band_label, count(*) as participants
    from participants
    group by all
),
totals as (
    select project_id, count(*) as total from participants group by project_id
)
select
    {{ key('project_age_band_key', 'p', band_label='b.band_label') }} as project_age_band_key,
    p.district_id,
    p.project_key,
    p.project_id,
    b.band_label as birth_year_band,
    b.sort_order as band_order,
    coalesce(c.participants, 0) as participants,
    {{ pct('coalesce(c.participants, 0)', 't.total') }} as share_pct
from {{ ref('dim_training_project') }} p
cross join bands b
left join counts c on c.project_id = p.project_id and c.band_label = b.band_label
left join totals t on t.project_id = p.project_id
