"""The code location loads the way the UI loads it, with every asset, check, job, schedule and sensor."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from transforms.contracts import load_contracts

ROOT = Path(__file__).resolve().parents[1]


def test_definitions_hold_every_asset_check_job_schedule_and_sensor():
    from orchestration.definitions import defs

    repo = defs().get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    check_keys = {(c.asset_key.to_user_string(), c.name) for c in repo.asset_graph.asset_check_keys}
    for source in load_contracts().values():
        for t in source.tables:
            key = f"raw/{source.name}/{t}"
            assert key in keys
            assert {(key, "contract"), (key, "reconciliation"), (key, "suite")} <= check_keys
    for mart in ("fct_teacher_five_degree_term", "fct_student_five_degree_term"):
        assert any(k.endswith(mart) for k in keys), mart
    assert "published_warehouse" in keys
    # the reports follow publishing, on the same partitions, one run per backfill
    reports = repo.asset_graph.get(dg.AssetKey("five_degree_reports"))
    assert dg.AssetKey("published_warehouse") in reports.parent_keys
    assert reports.partitions_def == repo.asset_graph.get(dg.AssetKey("published_warehouse")).partitions_def
    # every daily asset has the one backfill policy, so a backfill's window is one run for them all
    from orchestration.partitions import MAX_DAYS_PER_RUN, backfill_policy

    assert backfill_policy().max_partitions_per_run == MAX_DAYS_PER_RUN
    partitioned = [a for a in repo.asset_graph.asset_nodes if a.partitions_def is not None]
    assert partitioned and {a.backfill_policy for a in partitioned} == {backfill_policy()}
    assert ("raw/platform/lesson_sessions", "landing_freshness") in check_keys
    assert any(name.startswith("not_null") or name.startswith("unique") for _, name in check_keys), "dbt tests as checks"
    # dbt staging reads what the raw assets write: lineage is wired through the sources
    stg = next(k for k in repo.asset_graph.get_all_asset_keys() if k.path[-1] == "stg_roster__users")
    assert dg.AssetKey(["raw", "roster", "users"]) in repo.asset_graph.get(stg).parent_keys

    assert repo.has_job("wudu_daily")
    assert {s.name for s in repo.schedule_defs} == {"wudu_nightly", "wudu_freshness_morning"}
    assert sorted(s.name for s in repo.sensor_defs) == ["dead_run_monitor", "landing_sensor"]


def test_dagster_cli_validates_the_code_location(tmp_path):
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path), WUDU_DATA_DIR=str(tmp_path / "data"))
    dagster = Path(sys.executable).parent / "dagster"
    out = subprocess.run([str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_schedule_targets_the_previous_day():
    from orchestration.jobs import nightly_schedule

    import datetime as dt
    from zoneinfo import ZoneInfo

    when = dt.datetime(2026, 9, 8, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    ctx = dg.build_schedule_context(scheduled_execution_time=when)
    requests = list(nightly_schedule.evaluate_tick(ctx).run_requests)
    assert [r.partition_key for r in requests] == ["2026-09-07"]
