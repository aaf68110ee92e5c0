-- One row per finding of the loader: a quarantined row (scope row) or a nulled optional value (scope field).
select
    cast(source as varchar)             as source,
    cast(table_name as varchar)         as table_name,
    cast(partition_day as date)         as partition_day,
    cast(source_file as varchar)        as source_file,
    cast("row_number" as bigint)        as source_row_number,
    cast(rule as varchar)               as rule,
    cast(column_name as varchar)        as column_name,
    cast(failed_rules as varchar)       as failed_rules,
    cast(quarantined_at as timestamp)   as quarantined_at,
    coalesce(cast(scope as varchar), 'row') as scope,
    cast(sheet as varchar)              as sheet
from {{ source('ops', 'quarantine') }}
