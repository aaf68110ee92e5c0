{#- The loader's bookkeeping columns every staging model carries (docs/conventions.md, raw tables):
    landing day, file and record number — where a row came from — and load time. -#}
{% macro loader_metadata() -%}
    _partition_day                  as partition_day,
    _source_file                    as source_file,
    _row_number                     as source_row_number,
    _loaded_at                      as loaded_at
{%- endmacro %}
