-- One row per finding of the loader: a quarantined row (scope row) or a nulled optional value (scope field).
select
    cast(source as string)             as source,
    cast(table_name as string)         as table_name,
    cast(partition_day as date)         as partition_day,
    cast(source_file as string)        as source_file,
    cast("row_number" as bigint)        as source_row_number,
    cast(rule as string)               as rule,
    cast(column_name as string)        as column_name,
    cast(failed_rules as string)       as failed_rules,
    cast(quarantined_at as timestamp)   as quarantined_at,
    coalesce(cast(scope as string), 'row') as scope,
    cast(sheet as string)              as sheet
from {{ source('ops', 'quarantine') }}
