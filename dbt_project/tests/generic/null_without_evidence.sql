{#-
  A 五度 dimension must be NULL exactly when its evidence count is below min_evidence of
  seeds/five_degree_dimensions.csv (evaluation + dimension = the column name), and a number otherwise.
  Fails on rows with a score but too little evidence (an invented number) and on rows with enough
  evidence but no score (a computation that lost its inputs).
-#}
{% test null_without_evidence(model, column_name, evaluation, evidence_column=none) %}
{%- set evidence = evidence_column or ('evidence_' ~ column_name) -%}
with rule as (
    select min_evidence
    from {{ ref('five_degree_dimensions') }}
    where evaluation = '{{ evaluation }}' and dimension = '{{ column_name }}'
)
select m.{{ column_name }} as score, m.{{ evidence }} as evidence, r.min_evidence, m.*
from {{ model }} m
cross join rule r
where (m.{{ evidence }} < r.min_evidence and m.{{ column_name }} is not null)
   or (m.{{ evidence }} >= r.min_evidence and m.{{ column_name }} is null)
union all
-- the dimension must exist in the seed at all
select null, null, null, m.*
from {{ model }} m
where not exists (select 1 from rule)
{% endtest %}
