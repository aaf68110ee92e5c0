{#-
  SCD2 versions of one entity must not overlap and must leave no gap: ordered by valid_from, each
  version ends the day before the next one starts, and valid_from <= valid_to.
-#}
{% test scd2_contiguous(model, entity_column, valid_from='valid_from', valid_to='valid_to') %}
with v as (
    select
        {{ entity_column }} as entity,
        {{ valid_from }} as vf,
        {{ valid_to }} as vt,
        lead({{ valid_from }}) over (partition by {{ entity_column }} order by {{ valid_from }}) as next_vf
    from {{ model }}
)
select *
from v
where vf > vt
   or (next_vf is not null and next_vf <> vt + 1)
{% endtest %}
