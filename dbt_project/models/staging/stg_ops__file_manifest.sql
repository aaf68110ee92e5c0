-- One row per landed file and load attempt (loader bookkeeping).
select
    cast(source as varchar)             as source,
    cast(partition_day as date)         as partition_day,
    cast(table_name as varchar)         as table_name,
    cast(path as varchar)               as path,
    cast(sha256 as varchar)             as sha256,
    cast(bytes as bigint)               as bytes,
    cast(rows_read as bigint)           as rows_read,
    cast(rows_loaded as bigint)         as rows_loaded,
    cast(rows_quarantined as bigint)    as rows_quarantined,
    cast(status as varchar)             as status,
    cast(error as varchar)              as error,
    cast(loaded_at as timestamp)        as loaded_at
from {{ source('ops', 'file_manifest') }}
