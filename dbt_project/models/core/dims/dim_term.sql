-- One row per district and term (academic sessions of type term or semester, latest roster
-- record, not tobedeleted). Academic sessions carry no org, so every district gets every term.
with sessions as (
    {{ latest_per_key(ref('stg_roster__academic_sessions'), 'academic_session_id') }}
),
terms as (
    select * from sessions
    where session_type in ('term', 'semester') and coalesce(status, 'active') <> 'tobedeleted'
),
years as (
    select * from sessions where session_type = 'schoolYear'
),
districts as (
    select district_id from {{ ref('dim_district') }}
)
select
    {{ key('term_key', 't', district_id='d.district_id', term_id='t.academic_session_id') }} as term_key,
    d.district_id,
    t.academic_session_id as term_id,
    t.title as term_title,
    t.session_type as term_type,
    t.start_date,
    t.end_date,
    t.start_date + cast(floor({{ dbt.datediff('t.start_date', 't.end_date', 'day') }} / 2) as integer) as midpoint_date,
    {{ dbt.datediff('t.start_date', 't.end_date', 'day') }} + 1 as calendar_days,
    (select count(*) from {{ ref('dim_date') }} dd
     where dd.date_day between t.start_date and t.end_date and dd.is_school_day) as school_days,
    t.school_year,
    {{ key('school_year_key', 't', district_id='d.district_id') }} as school_year_key,
    coalesce(y.title, cast(t.school_year - 1 as string) || '-' || cast(t.school_year as string) || '学年') as school_year_title
from terms t
cross join districts d
left join years y on y.academic_session_id = t.parent_academic_session_id
