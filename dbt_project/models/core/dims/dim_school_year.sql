-- One row per district and school year (学年, named by its end year as in OneRoster).
with sessions as (
    {{ latest_per_key(ref('stg_roster__academic_sessions'), 'academic_session_id') }}
),
years as (
    select school_year, min(title) as title, min(start_date) as start_date, max(end_date) as end_date
    from sessions
    where session_type = 'schoolYear' and coalesce(status, 'active') <> 'tobedeleted'
    group by school_year
),
term_years as (
    select district_id, school_year, min(start_date) as start_date, max(end_date) as end_date
    from {{ ref('dim_term') }}
    group by district_id, school_year
),
all_years as (
    select d.district_id, y.school_year from years y cross join {{ ref('dim_district') }} d
    union
    select district_id, school_year from term_years
)
select
    {{ key('school_year_key', 'a') }} as school_year_key,
    a.district_id,
    a.school_year,
    coalesce(y.title, cast(a.school_year - 1 as string) || '-' || cast(a.school_year as string) || '学年') as school_year_title,
    coalesce(y.start_date, ty.start_date) as start_date,
    coalesce(y.end_date, ty.end_date) as end_date
from all_years a
left join years y on y.school_year = a.school_year
left join term_years ty on ty.district_id = a.district_id and ty.school_year = a.school_year
