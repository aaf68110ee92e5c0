"""A step that failed on the machine (memory, disk) gets a hint in `wudu run`'s summary; one that
failed on the data does not."""
from wudu.summary import resource_hint


def test_memory_and_disk_failures_point_at_shorter_windows():
    oom = "dbt build failed on 1 node(s): fct_xapi_statements (error: Out of Memory Error: could not allocate block)"
    full = "raw_platform failed permanently: IO Error: No space left on device"
    assert "WUDU_MAX_DAYS_PER_RUN" in resource_hint(oom) and "WUDU_DUCKDB_MEMORY_LIMIT" in resource_hint(oom)
    assert "free disk" in resource_hint(full)


def test_a_failure_on_the_data_gets_no_hint():
    assert resource_hint("dbt build failed on 1 node(s): unique_fct_x (fail: Got 3 results)") is None
