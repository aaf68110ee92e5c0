{#-
  Fails on every row whose value lies outside [min_value, max_value] (inclusive). NULL passes:
  NULL means "no evidence" in wudu and is tested separately (null_without_evidence).
-#}
{% test between(model, column_name, min_value, max_value) %}
select {{ column_name }} as offending_value, *
from {{ model }}
where {{ column_name }} is not null
  and ({{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }})
{% endtest %}
