"""Operations: sensor, retries on a locked warehouse, analysts reading while a refresh runs."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import dagster as dg
import duckdb
import pytest

from tests.landing_fixtures import DAY, write_platform, write_roster, write_training
from tests.pipeline_helpers import make_demo, materialize_day


def test_sensor_fires_once_per_complete_day_and_again_on_redelivery(tmp_path, monkeypatch):
    from orchestration.jobs import landing_sensor

    landing = tmp_path / "landing"
    for day in (DAY, "2026-09-08"):
        write_roster(landing, day)
        write_platform(landing, day)
        write_training(landing, day)
    write_roster(landing, "2026-09-09")  # incomplete: platform and training missing
    monkeypatch.setenv("WUDU_DATA_DIR", str(tmp_path))
    instance = dg.DagsterInstance.ephemeral()
    from orchestration.definitions import defs

    repo = defs().get_repository_def()

    first = landing_sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
    assert sorted(r.partition_key for r in first.run_requests) == [DAY, "2026-09-08"]
    again = landing_sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=first.cursor, repository_def=repo))
    assert again.run_requests == []

    time.sleep(0.01)
    write_training(landing, "2026-09-08", encoding="utf-8")  # re-delivered file
    third = landing_sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=again.cursor, repository_def=repo))
    assert [r.partition_key for r in third.run_requests] == ["2026-09-08"]
    assert len({r.run_key for r in first.run_requests + third.run_requests}) == 3


def _hold_lock(db, seconds: float) -> subprocess.Popen:
    db.parent.mkdir(parents=True, exist_ok=True)
    p = subprocess.Popen([sys.executable, "-c",
                          f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True); "
                          f"time.sleep({seconds})"], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "locked"
    return p


def test_locked_warehouse_is_retried_then_succeeds(tmp_path):
    from orchestration.resources import WarehouseResource

    wh = WarehouseResource(data_dir=str(tmp_path))
    holder = _hold_lock(wh.paths.build_db, 2.5)
    started = time.monotonic()
    with wh.connect() as con:
        assert con.execute("SELECT 42").fetchone()[0] == 42
    assert time.monotonic() - started >= 1.0, "must have waited for the other writer"
    holder.wait()


def test_transient_failure_is_retried_by_dagster(tmp_path, monkeypatch):
    """Connect gives up at once (1 try), so the step fails transiently; its RetryPolicy re-runs it."""
    import orchestration.resources as res
    from orchestration.assets.raw import build_raw_assets
    from tests.pipeline_helpers import resources

    monkeypatch.setattr(res, "LOCK_RETRIES", 1)
    data = tmp_path / "data"
    write_roster(data / "landing")
    holder = _hold_lock(data / "warehouse" / "build" / "wudu_build.duckdb", 4)
    roster = next(a for a in build_raw_assets() if a.node_def.name == "raw_roster")
    result = dg.materialize([roster], partition_key=DAY,
                            resources=resources(data), instance=dg.DagsterInstance.ephemeral())
    holder.wait()
    assert result.success
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert retries, "the first attempt must have failed on the lock and been retried"


def test_analysts_read_consistently_while_the_warehouse_refreshes(tmp_path, monkeypatch):
    from wudu.analyst import connect, engine

    data = tmp_path / "data"
    monkeypatch.setenv("WUDU_DATA_DIR", str(data))
    make_demo(data, days=2)
    assert materialize_day(data, "2026-09-07").success

    seen, errors, stop = [], [], threading.Event()

    def analyst():
        try:
            with connect(data) as con:  # held open for the whole refresh
                while not stop.is_set():
                    seen.append(con.execute(
                        "SELECT count(*), count(DISTINCT partition_day) FROM raw.file_manifest").fetchone())
                    time.sleep(0.05)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=analyst)
    t.start()
    try:
        assert materialize_day(data, "2026-09-08").success
    finally:
        stop.set()
        t.join()
    assert not errors, errors
    assert len(set(seen)) == 1 and seen[0][1] == 1, "an open analyst connection keeps its consistent snapshot"
    with connect(data) as con:
        assert con.execute("SELECT count(DISTINCT partition_day) FROM raw.file_manifest").fetchone()[0] == 2
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE marts.x AS SELECT 1")
    import pandas as pd

    df = pd.read_sql("SELECT count(*) AS n FROM marts.fct_teacher_five_degree_term", engine(data))
    assert df.n[0] > 0
    assert not os.access(data / "warehouse" / "wudu.duckdb", os.W_OK) or os.geteuid() == 0
