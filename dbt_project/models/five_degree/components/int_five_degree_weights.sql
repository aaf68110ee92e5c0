-- The 五度 weights that apply to each district: the district's own rows in
-- seeds/five_degree_weights.csv when it has any for that evaluation, else the '*' default rows.
with districts as (
    select district_id from {{ ref('dim_district') }}
),
chosen as (
    select d.district_id, w.evaluation, w.dimension, w.weight
    from districts d
    join {{ ref('five_degree_weights') }} w on w.district_id = d.district_id
    union all
    select d.district_id, w.evaluation, w.dimension, w.weight
    from districts d
    join {{ ref('five_degree_weights') }} w on w.district_id = '*'
    where not exists (
        select 1 from {{ ref('five_degree_weights') }} w2 where w2.district_id = d.district_id and w2.evaluation = w.evaluation
    )
)
select district_id, evaluation, dimension, weight from chosen
