{#- A 64-bit hash of a row's values (NULL-aware), to tell whether a row changed between two days
    without carrying every column through a sort. Equal rows give equal hashes; a change goes unseen
    only on a hash collision (about 1 in 2^64), and the snapshot check (reproduces_snapshots) compares
    the window's days column by column. -#}
{% macro wudu_row_hash(columns) -%}
    {{ return(adapter.dispatch('wudu_row_hash', 'wudu')(columns)) }}
{%- endmacro %}

{% macro default__wudu_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__wudu_row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
