-- Terms that overlap the district's data (first_day..last_day). A term is evaluated over its
-- scope: from scope_start = max(term start, first data day) to scope_end = min(term end, last data
-- day), so per-week and per-day rates only count school days for which data exists. 成长度 compares
-- the halves of the scope: before scope_midpoint_date (early) and from it (late).
with terms as (
    select
        t.term_key,
        t.district_id,
        t.term_id,
        t.start_date,
        t.end_date,
        t.midpoint_date,
        greatest(t.start_date, h.first_day) as scope_start,
        least(t.end_date, h.last_day) as scope_end,
        h.last_event_at
    from {{ ref('dim_term') }} t
    join {{ ref('int_data_horizon') }} h
        on h.district_id = t.district_id
        and t.start_date <= h.last_day
        and t.end_date >= h.first_day
)
select
    t.*,
    t.scope_start + cast(floor({{ dbt.datediff('t.scope_start', 't.scope_end', 'day') }} / 2) as integer) as scope_midpoint_date,
    count(d.date_day) as school_days_in_scope,
    count(d.date_day) / 5.0 as school_weeks_in_scope
from terms t
left join {{ ref('dim_date') }} d
    on d.date_day between t.scope_start and t.scope_end and d.is_school_day
group by all
