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

    # the analysts' copy was published and is read-only
    published = data / "warehouse" / "wudu.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.fct_teacher_five_degree_term").fetchone()[0] > 0
        days = con.execute("SELECT count(DISTINCT partition_day) FROM raw.file_manifest").fetchone()[0]
        assert days == 2
