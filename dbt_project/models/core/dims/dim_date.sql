-- One row per calendar day. is_school_day = weekday and not a public holiday, or a make-up
-- working day (调休上班) from seeds/holidays.csv.
with bounds as (
    select
        least(cast('{{ var("date_spine_start") }}' as date), coalesce(min(start_date), cast('{{ var("date_spine_start") }}' as date))) as first_day,
        greatest(cast('{{ var("date_spine_end") }}' as date), coalesce(max(end_date), cast('{{ var("date_spine_end") }}' as date))) as last_day
    from {{ ref('stg_roster__academic_sessions') }}
),
spine as (
    select cast(d as date) as date_day
    from (select {{ wudu_date_series('bounds.first_day', 'bounds.last_day', 'day') }} as d from bounds) series
),
holidays as (
    select holiday_date, min(name_zh) as name_zh, min(day_type) as day_type
    from {{ ref('holidays') }}
    group by holiday_date
)
select
    s.date_day,
    extract(year from s.date_day) as year,
    extract(month from s.date_day) as month,
    cast(date_trunc('month', s.date_day) as date) as month_start,
    {{ wudu_iso_year('s.date_day') }} as iso_year,
    extract(week from s.date_day) as iso_week,
    {{ wudu_iso_day_of_week('s.date_day') }} as iso_day_of_week,
    {{ wudu_iso_day_of_week('s.date_day') }} >= 6 as is_weekend,
    coalesce(h.day_type = 'holiday', false) as is_holiday,
    coalesce(h.day_type = 'makeup_workday', false) as is_makeup_workday,
    h.name_zh as holiday_name_zh,
    (
        ({{ wudu_iso_day_of_week('s.date_day') }} <= 5 and coalesce(h.day_type, '') <> 'holiday')
        or coalesce(h.day_type = 'makeup_workday', false)
    ) as is_school_day
from spine s
left join holidays h on h.holiday_date = s.date_day
