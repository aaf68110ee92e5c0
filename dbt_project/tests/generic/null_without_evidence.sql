{#-
  A 五度 dimension is a number exactly when it applies, its evidence count reaches min_evidence of
  seeds/five_degree_dimensions.csv (evaluation + dimension = the column name) and its components
  could be standardised; otherwise it is NULL and <column>_null_reason says which. Fails on a score
  with too little evidence (an invented number), a NULL without a reason, a score with a reason, and
  a reason of too little evidence where the evidence is enough (a computation that lost its inputs).
-#}
{% test null_without_evidence(model, column_name, evaluation, evidence_column=none) %}
{%- set evidence = evidence_column or ('evidence_' ~ column_name) -%}
{%- set reason = column_name ~ '_null_reason' -%}
with rule as (
    select min_evidence
    from {{ ref('five_degree_dimensions') }}
    where evaluation = '{{ evaluation }}' and dimension = '{{ column_name }}'
)
select m.{{ column_name }} as score, m.{{ evidence }} as evidence, r.min_evidence, m.*
from {{ model }} m
cross join rule r
where (m.{{ evidence }} < r.min_evidence and m.{{ column_name }} is not null)
   or (m.{{ column_name }} is null and m.{{ reason }} is null)
   or (m.{{ column_name }} is not null and m.{{ reason }} is not null)
   or (m.{{ evidence }} >= r.min_evidence and m.{{ reason }} like '证据不足%')
union all
-- the dimension must exist in the seed at all
select null, null, null, m.*
from {{ model }} m
where not exists (select 1 from rule)
{% endtest %}
