"""What an engineer sees: freshness only on its own schedule and only from the first delivery,
bilingual metadata keys, and a one-line fix for every failed check in the run summary."""
from __future__ import annotations

import datetime as dt

import dagster as dg

from orchestration.freshness import missing_school_days
from orchestration.labels import label, labelled


def test_freshness_is_not_part_of_the_daily_job():
    from orchestration.definitions import defs
    from orchestration.freshness import freshness_job
    from orchestration.jobs import daily_job

    graph = defs().get_repository_def().asset_graph
    daily = {k.name for k in daily_job.selection.resolve_checks(graph)}
    assert "suite" in daily and "landing_freshness" not in daily
    assert {k.name for k in freshness_job.selection.resolve_checks(graph)} == {"landing_freshness"}


def test_freshness_counts_from_the_first_delivery(tmp_path):
    landing = tmp_path / "landing"
    for day in ("2026-09-07", "2026-09-08", "2026-09-09"):
        (landing / "roster" / day).mkdir(parents=True)
        (landing / "roster" / day / "users.csv").write_text("x\n", encoding="utf-8")
    # 09-01..09-04 are school days before anything landed: not late; 09-10 and 09-11 are
    assert missing_school_days(landing, "roster", dt.date(2026, 9, 11)) == ["2026-09-10", "2026-09-11"]
    assert missing_school_days(landing, "roster", dt.date(2026, 9, 9)) == []
    # a deployment where nothing ever landed is late from its start date on
    assert missing_school_days(tmp_path / "empty", "roster", dt.date(2026, 9, 2)) == ["2026-09-01", "2026-09-02"]


def test_metadata_keys_are_bilingual():
    assert label("rows_read") == "rows_read 读入行数"
    assert label("data_docs 2026-09-07") == "data_docs 数据文档 2026-09-07"
    assert label("something_new") == "something_new"
    assert list(labelled({"rows_loaded": 1, "fix": "x"})) == ["rows_loaded 入库行数", "fix 处理建议"]


def test_every_failed_check_gets_a_fix():
    from wudu.summary import _dbt_test_fixes, _fix_for

    key = dg.AssetKey(["raw", "roster", "users"])
    suite = dg.AssetCheckEvaluation(asset_key=key, check_name="suite", passed=False,
                                    metadata={"fix 处理建议": "required on role (9 rows, 2026-09-07): …"})
    assert _fix_for(suite).startswith("required on role")
    contract = dg.AssetCheckEvaluation(asset_key=key, check_name="contract", passed=False, metadata={})
    assert "rejected files" in _fix_for(contract)
    fixes = _dbt_test_fixes()
    assert fixes, "dbt tests carry a 'Fix:' sentence in their description (manifest from make setup)"
    name, fix = next(iter(fixes.items()))
    dbt_test = dg.AssetCheckEvaluation(asset_key=key, check_name=name, passed=False, metadata={})
    assert _fix_for(dbt_test) == fix
