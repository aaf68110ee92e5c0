"""The Parquet lake of the Spark engine (transforms/lake.py): each landed source-day becomes one
partition per table holding exactly the day's typed rows, and re-landing a day replaces that
partition and nothing else (no Spark needed: DuckDB reads the files back)."""
from __future__ import annotations

import duckdb

from pipeline_helpers import make_demo
from transforms.contracts import load_contracts
from transforms.lake import lake_tables, sink_source_day
from transforms.loader import load_source_day
from transforms.settings import paths

DAY1, DAY2 = "2026-09-07", "2026-09-08"


def _rows(con, pattern: str) -> int:
    return con.execute(f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)").fetchone()[0]


def test_each_source_day_is_one_partition_and_a_rerun_replaces_only_it(tmp_path):
    data = tmp_path / "data"
    make_demo(data, days=2)
    p = paths(data)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    sources = load_contracts()
    for day in (DAY1, DAY2):
        for s in sources.values():
            load_source_day(con, p.landing, s.name, day)
            sink_source_day(con, p.lake, s, day)
    raw = p.lake / "raw"
    assert "raw.roster__users" in lake_tables(p.lake) and "raw.quarantine" in lake_tables(p.lake)
    # the lake holds what the build file holds, day by day, table by table
    for s in sources.values():
        for t in s.tables.values():
            name = t.raw_table.split(".")[1]
            for day in (DAY1, DAY2):
                want = con.execute(f"SELECT count(*) FROM {t.raw_table} WHERE _partition_day = DATE '{day}'").fetchone()[0]
                assert _rows(con, f"{raw / name}/load_date={day}/*.parquet") == want, (name, day)
    for day in (DAY1, DAY2):
        want = con.execute(f"SELECT count(*) FROM raw.quarantine WHERE partition_day = DATE '{day}'").fetchone()[0]
        assert _rows(con, f"{raw}/quarantine/load_date={day}/*.parquet") == want
    assert con.execute(f"SELECT DISTINCT load_date FROM read_parquet('{raw}/roster__users/*/*.parquet', "
                       "hive_partitioning = true) ORDER BY 1").fetchall() == [(__import__('datetime').date(2026, 9, 7),),
                                                                              (__import__('datetime').date(2026, 9, 8),)]

    # day 1 of the platform is re-landed with one lesson fewer: only that partition changes
    day2_file = raw / "platform__lesson_sessions" / f"load_date={DAY2}" / "part-0.parquet"
    day2_stat = day2_file.stat()
    roster_file = raw / "quarantine" / f"load_date={DAY1}" / "roster.parquet"
    roster_stat = roster_file.stat()
    before = _rows(con, f"{raw}/platform__lesson_sessions/load_date={DAY1}/*.parquet")
    con.execute(f"DELETE FROM raw.platform__lesson_sessions WHERE _partition_day = DATE '{DAY1}' AND _row_number = "
                f"(SELECT min(_row_number) FROM raw.platform__lesson_sessions WHERE _partition_day = DATE '{DAY1}')")
    sink_source_day(con, p.lake, sources["platform"], DAY1)
    assert _rows(con, f"{raw}/platform__lesson_sessions/load_date={DAY1}/*.parquet") == before - 1
    assert day2_file.stat().st_ino == day2_stat.st_ino and day2_file.stat().st_mtime_ns == day2_stat.st_mtime_ns
    # the shared quarantine partition: only the platform's file of the day was rewritten
    assert roster_file.stat().st_mtime_ns == roster_stat.st_mtime_ns
    # nothing staged is left behind
    assert not [f for f in p.lake.rglob(".*")], list(p.lake.rglob(".*"))
