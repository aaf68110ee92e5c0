-- Per district and calendar day, the term the day belongs to (at most one: when terms overlap,
-- the one starting last, i.e. the innermost, wins).
select
    t.district_id,
    d.date_day,
    t.term_key
from {{ ref('dim_term') }} t
join {{ ref('dim_date') }} d on d.date_day between t.start_date and t.end_date
qualify row_number() over (
    partition by t.district_id, d.date_day
    order by t.start_date desc, (t.term_type = 'term') desc, t.term_id
) = 1
