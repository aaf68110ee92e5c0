{#-
  The grain of a daily fact, checked at the cost of the days a run builds: every key of the rows in
  the run's window (macros/window.sql) must occur once in the whole table — against every day held,
  so a record re-delivered on a later day is still caught. dbt's `unique` aggregates every key held
  and grew ≈ 0.9 s per city school day (docs/benchmarks.md); this probes the window's keys only. A
  plain `dbt build` (the wide default window) checks every day. Fails with each duplicated key and
  how often it occurs.
-#}
{% test unique_in_window(model, column_name, window_column='day') %}
select {{ column_name }} as duplicated_key, count(*) as occurrences
from {{ model }}
where {{ column_name }} in (
    select {{ column_name }} from {{ model }} where {{ in_window(window_column) }}
)
group by {{ column_name }}
having count(*) > 1
{% endtest %}
