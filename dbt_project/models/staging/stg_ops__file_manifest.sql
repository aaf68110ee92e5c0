-- One row per landed file and load attempt (loader bookkeeping).
select
    cast(source as string)             as source,
    cast(partition_day as date)         as partition_day,
    cast(table_name as string)         as table_name,
    cast(path as string)               as path,
    cast(sha256 as string)             as sha256,
    cast(bytes as bigint)               as bytes,
    cast(rows_read as bigint)           as rows_read,
    cast(rows_loaded as bigint)         as rows_loaded,
    cast(rows_quarantined as bigint)    as rows_quarantined,
    cast(status as string)             as status,
    cast(error as string)              as error,
    cast(loaded_at as timestamp)        as loaded_at
from {{ source('ops', 'file_manifest') }}
