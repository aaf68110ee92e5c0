"""The walking skeleton end to end: every asset materialised in-process for two days, then the first
day again — the warehouse must be unchanged (partitions are idempotent)."""
from __future__ import annotations

import duckdb

from tests.pipeline_helpers import make_demo, materialize_day, table_fingerprints


def test_two_days_then_rerun_first_day_is_idempotent(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("WUDU_DATA_DIR", str(data))
    make_demo(data, days=2)
    for day in ("2026-09-07", "2026-09-08"):
        result = materialize_day(data, day)
        assert result.success, day
    build = data / "warehouse" / "build" / "wudu_build.duckdb"
    before = table_fingerprints(build)
    assert before["marts.fct_teacher_five_degree_term"][0] > 0
    assert before["marts.fct_student_five_degree_term"][0] > 0

    assert materialize_day(data, "2026-09-07").success
    after = table_fingerprints(build)
    assert after == before

    # every night after the first parses only what changed: the build file keeps its own dbt parse
    # state (a state shared with the other test worker's data directories was discarded by dbt)
    logs = sorted((data / "logs").glob("dbt_*.log"), key=lambda p: p.stat().st_mtime)
    assert len(logs) == 3
    for log in logs[1:]:
        assert "Unable to do partial parsing" not in log.read_text(encoding="utf-8"), log

    # the analysts' copy was published and is read-only
    published = data / "warehouse" / "wudu.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.fct_teacher_five_degree_term").fetchone()[0] > 0
        days = con.execute("SELECT count(DISTINCT partition_day) FROM marts.fct_data_quality_daily").fetchone()[0]
        assert days == 2
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name IN "
                               "('raw', 'staging', 'intermediate')").fetchone()[0], "only analyst-facing schemas"


def test_demo_warehouse_has_no_clear_personal_data_and_plausible_marts(demo_warehouse):
    """After a real run on the demo district (the session's demo run, five days): no name, ID-card,
    学籍号 or phone from the exports is anywhere in the warehouse; the 五度 scores spread; urban and
    rural schools differ."""
    import csv

    data = demo_warehouse
    with open(data / "landing" / "roster" / "2026-09-07" / "users.csv", encoding="utf-8") as fh:
        users = list(csv.DictReader(fh))
    secrets = set()
    for u in users:
        secrets |= {u["familyName"] + u["givenName"], u["givenName"], u["username"], u["phone"], u["email"],
                    u["metadata.cn.idCard"], u["metadata.cn.studentNo"]}
    secrets = sorted(s for s in secrets if s and len(s) >= 2)
    assert len(secrets) > 500
    # the build file (raw, staging, …) and the analysts' file
    for db in (data / "warehouse" / "build" / "wudu_build.duckdb", data / "warehouse" / "wudu.duckdb"):
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("CREATE TEMP TABLE secrets AS SELECT unnest(?::VARCHAR[]) AS s", [secrets])
            cols = con.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                               "WHERE data_type = 'VARCHAR' AND table_catalog <> 'temp'").fetchall()
            assert len(cols) > 100
            leaks = []
            for schema, table, col in cols:
                n = con.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{col}" IN (SELECT s FROM secrets)'
                                ).fetchone()[0]
                if n:
                    leaks.append(f"{db.name} {schema}.{table}.{col}: {n}")
            assert not leaks, leaks

    with duckdb.connect(str(data / "warehouse" / "wudu.duckdb"), read_only=True) as con:
        scores = con.execute("SELECT count(DISTINCT overall_score), stddev_pop(overall_score), min(overall_score), "
                             "max(overall_score) FROM marts.fct_teacher_five_degree_term").fetchone()
        assert scores[0] >= 5 and scores[1] > 1 and 0 <= scores[2] < scores[3] <= 100, scores
        students = con.execute("SELECT count(DISTINCT overall_score), stddev_pop(overall_score) "
                               "FROM marts.fct_student_five_degree_term").fetchone()
        assert students[0] >= 5 and students[1] > 1, students
        by_area = dict(con.execute(
            "SELECT rollup_value, avg_overall_score FROM marts.fct_teacher_five_degree_rollup "
            "WHERE rollup_level = 'urban_rural'").fetchall())
        assert set(by_area) == {"城镇", "乡村"} and by_area["城镇"] != by_area["乡村"], by_area
