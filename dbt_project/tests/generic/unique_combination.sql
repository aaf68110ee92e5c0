{#- Fails once per duplicated combination of the given columns (the grain of the model). With
    `window_column`, only the rows of the run's window are checked (a daily snapshot's grain: its
    days already held were checked by the nights that landed them). -#}
{% test unique_combination(model, columns, window_column=none) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
{% if window_column %}where {{ in_window(window_column) }}{% endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
