"""One bad file holds back only its own source (issue 13): a training sheet rejected for an
ambiguous header stops training's downstream models, while roster and platform are modelled and
published; the run reports the file, rule and fix, and the published warehouse carries no
ID-card, 学籍号 or mobile number in the clear in any text column."""
from __future__ import annotations

import duckdb

from tests.landing_fixtures import write_csv
from tests.pipeline_helpers import make_demo, materialize_day
from transforms.blocking import blocking_problems, paragraph
from transforms.pii import find_in_clear
from transforms.settings import paths

DAY = "2026-09-07"


def test_a_rejected_training_sheet_blocks_only_training(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("WUDU_DATA_DIR", str(data))
    make_demo(data, days=1)
    bad = data / "landing" / "training" / DAY / "签到_补录.csv"
    write_csv(bad, [["签到编号", "教师编号", "项目编号", "日期", "学时", "学时"], ["z1", "t1", "p1", DAY, "1", "2"]])
    result = materialize_day(data, DAY)

    checks = {(e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[("signins", "contract")] is False
    assert checks[("users", "contract")] and checks[("lesson_sessions", "contract")]
    built = {m.asset_key.path[-1] for m in result.get_asset_materialization_events() and
             [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]}
    assert "stg_roster__users" in built and "stg_platform__lesson_sessions" in built
    assert not any(k.startswith("stg_training__") for k in built)
    assert "published_warehouse" in built

    # the manifest stays in the build file (raw is not published)
    with duckdb.connect(str(paths(data).build_db), read_only=True) as con:
        problems = blocking_problems(con, DAY, DAY)
    assert [(p["path"], p["rule"]) for p in problems] == [(f"training/{DAY}/签到_补录.csv", "ambiguous_header")]
    text = paragraph(problems)
    assert "签到_补录.csv" in text and "ambiguous_header" in text and "fix" in text
    with duckdb.connect(str(paths(data).published_db), read_only=True) as con:
        leaks = []
        for schema, table, column in con.execute(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                "WHERE data_type = 'VARCHAR'").fetchall():
            for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{schema}"."{table}"').fetchall():
                if find_in_clear(v):
                    leaks.append((schema, table, column, v))
        assert leaks == []
    # ... nor do the Great Expectations Data Docs (samples of unexpected values)
    docs = [f for f in paths(data).gx_docs.rglob("*") if f.is_file() and f.suffix in (".html", ".json")]
    assert docs
    assert [(f.name, find_in_clear(f.read_text(encoding="utf-8", errors="replace"))) for f in docs
            if find_in_clear(f.read_text(encoding="utf-8", errors="replace"))] == []
