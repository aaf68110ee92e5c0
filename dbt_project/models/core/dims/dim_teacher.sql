-- SCD2: one row per teacher version (valid_from..valid_to). teacher_key is durable across
-- versions; facts carry teacher_version_key of the version valid on the event's day.
with v as (
    select
        *,
        last_value(district_id) over (
            partition by teacher_id order by valid_from
            rows between unbounded preceding and unbounded following
        ) as home_district_id
    from {{ ref('int_teacher_versions') }}
)
select
    {{ key('teacher_version_key', 'v', district_id='v.home_district_id') }} as teacher_version_key,
    {{ key('teacher_key', 'v', district_id='v.home_district_id') }} as teacher_key,
    v.teacher_id,
    v.district_id,
    {{ key('school_key', 'v') }} as school_key,
    v.school_id,
    v.title,
    v.backbone_level,
    v.gender,
    v.birth_year,
    coalesce(b.band_label, '未知') as birth_year_band,
    v.status,
    v.enabled_user,
    v.valid_from,
    v.valid_to,
    v.version_number,
    v.version_number = 1 as is_first_version,
    v.is_last_version,
    v.valid_to = date '9999-12-31' as is_current
from v
left join {{ ref('birth_year_bands') }} b on v.birth_year between b.birth_year_min and b.birth_year_max
