-- Loader health per source, table and landing day: files loaded / duplicate / rejected, rows read,
-- loaded and quarantined (raw.file_manifest), quarantined rows and failed rules (raw.quarantine), and
-- the rows actually present in the raw table. rows_loaded <> raw_rows means the raw table and the
-- manifest disagree (a partial re-load).
{%- set raw_tables = [
    ('roster', 'orgs'), ('roster', 'academic_sessions'), ('roster', 'courses'), ('roster', 'classes'),
    ('roster', 'users'), ('roster', 'roles'), ('roster', 'enrollments'),
    ('platform', 'lesson_sessions'), ('platform', 'xapi_statements'), ('platform', 'observations'),
    ('training', 'projects'), ('training', 'signins'), ('training', 'credit_audits'),
    ('training', 'survey_responses'),
] %}
with manifest as (
    select
        source,
        table_name,
        partition_day,
        count(*) as files,
        count(case when status = 'loaded' then 1 end) as files_loaded,
        count(case when status = 'duplicate' then 1 end) as files_duplicate,
        count(case when status = 'rejected' then 1 end) as files_rejected,
        count(case when status = 'not_recognised' then 1 end) as files_not_recognised,
        coalesce(sum(rows_read), 0) as rows_read,
        coalesce(sum(case when status = 'loaded' then rows_loaded end), 0) as rows_loaded,
        coalesce(sum(case when status = 'loaded' then rows_quarantined end), 0) as rows_quarantined
    from {{ ref('stg_ops__file_manifest') }}
    group by all
),
quarantine as (
    select
        source,
        table_name,
        partition_day,
        -- scope row: the record is held back; scope field: one optional value nulled, the record loaded
        count(distinct case when scope = 'row' then (source_file, source_row_number) end) as quarantined_rows,
        count(case when scope = 'row' then 1 end) as rule_failures,
        count(case when scope = 'field' then 1 end) as fields_flagged,
        {{ wudu_sorted_distinct_agg('rule', ',') }} as failed_rules
    from {{ ref('stg_ops__quarantine') }}
    group by all
),
raw_rows as (
    {%- for src, tbl in raw_tables %}
    select '{{ src }}' as source, '{{ tbl }}' as table_name, _partition_day as partition_day, count(*) as raw_rows
    from {{ source(src, tbl) }}
    group by _partition_day
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),
keys as (
    select source, table_name, partition_day from manifest
    union select source, table_name, partition_day from quarantine
    union select source, table_name, partition_day from raw_rows
)
select
    md5(concat_ws('|', k.source, k.table_name, cast(k.partition_day as string))) as data_quality_key,
    k.source,
    k.table_name,
    k.partition_day,
    {{ zero_if_missing('m', ['files', 'files_loaded', 'files_duplicate', 'files_rejected', 'files_not_recognised', 'rows_read', 'rows_loaded', 'rows_quarantined']) }},
    {{ zero_if_missing('q', ['quarantined_rows', 'rule_failures', 'fields_flagged']) }},
    q.failed_rules,
    coalesce(r.raw_rows, 0) as raw_rows,
    {{ pct('coalesce(q.quarantined_rows, 0)', 'coalesce(r.raw_rows, 0) + coalesce(q.quarantined_rows, 0)') }} as quarantined_pct
from keys k
left join manifest m on m.source = k.source and m.table_name = k.table_name and m.partition_day = k.partition_day
left join quarantine q on q.source = k.source and q.table_name = k.table_name and q.partition_day = k.partition_day
left join raw_rows r on r.source = k.source and r.table_name = k.table_name and r.partition_day = k.partition_day
