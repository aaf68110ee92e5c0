"""Nights that fail loudly and never publish wrong numbers (the fast part: no full pipeline run).
Bad arguments stop before anything is created; the demo key is refused outside the demo; a missing
source folder or a rejected file keeps the day's data; the data-directory lock dies with its
process; a run whose process was SIGKILLed is found, failed and its pool slot freed."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tests.nights_helpers import ROOT, WUDU, demo_env
from tests.pipeline_helpers import START, make_demo

DAY = START.isoformat()


def _wudu(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(WUDU), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("nights") / "data"
    make_demo(data, days=1)
    return data


@pytest.mark.parametrize("args, says", [
    (["--days", "0"], "--days 0"),
    (["--days", "-2"], "--days -2"),
    (["--end", "2026-09-01"], "before --start"),
    (["--end", "2026-9-31"], "--end '2026-9-31'"),
    (["--days", "2", "--end", "2026-09-08"], "not both"),
])
def test_bad_window_exits_before_touching_the_warehouse(demo_dir, args, says):
    before = sorted(p.name for p in demo_dir.iterdir())
    out = _wudu(["run", "--start", DAY, *args], demo_env(demo_dir))
    assert out.returncode == 2, out.stdout + out.stderr
    assert says in out.stderr
    assert sorted(p.name for p in demo_dir.iterdir()) == before  # no warehouse, no Dagster home


def test_missing_data_dir_or_landing_folder_is_named(tmp_path):
    nowhere = tmp_path / "nowhere"
    out = _wudu(["run", "--start", DAY], demo_env(nowhere))
    assert out.returncode == 2 and f"data directory {nowhere} does not exist" in out.stderr
    assert not nowhere.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _wudu(["run", "--start", DAY, "--data-dir", str(empty)], demo_env(tmp_path / "ignored"))
    assert out.returncode == 2 and f"landing folder {empty / 'landing'} does not exist" in out.stderr
    assert list(empty.iterdir()) == []


def _real_data_dir(demo_dir: Path, tmp_path: Path) -> Path:
    """The demo's exports without the demo marker: as far as wudu can tell, a centre's real data."""
    real = tmp_path / "real"
    shutil.copytree(demo_dir / "landing", real / "landing")
    return real


def test_demo_key_refused_outside_the_demo_dir(demo_dir, tmp_path):
    real = _real_data_dir(demo_dir, tmp_path)
    env = demo_env(real)  # WUDU_DEMO=1 as the Makefile exports it, and no WUDU_PII_KEY
    out = _wudu(["run", "--start", DAY], env)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "WUDU_PII_KEY is not set" in out.stderr and ".wudu-demo" in out.stderr
    assert not (real / "warehouse").exists() and not (real / ".dagster_home").exists()

    # the code location (what `make ui` and the daemon load) refuses too, with the same reason
    dagster = Path(sys.executable).parent / "dagster"
    (tmp_path / "home").mkdir()
    out = subprocess.run([str(dagster), "definitions", "validate", "-m", "orchestration.definitions"], cwd=ROOT,
                         env=dict(env, DAGSTER_HOME=str(tmp_path / "home")), capture_output=True, text=True,
                         timeout=600)
    assert out.returncode != 0
    assert "WUDU_PII_KEY is not set" in out.stdout + out.stderr


def test_demo_key_only_where_the_generator_left_its_marker(demo_dir, tmp_path, monkeypatch):
    from transforms.settings import DEMO_PII_KEY, MissingPiiKeyError, pii_key

    monkeypatch.delenv("WUDU_PII_KEY", raising=False)
    monkeypatch.setenv("WUDU_DEMO", "1")
    assert (demo_dir / ".wudu-demo").is_file()
    assert pii_key(demo_dir) == DEMO_PII_KEY.encode()
    with pytest.raises(MissingPiiKeyError, match="not a demo data directory"):
        pii_key(_real_data_dir(demo_dir, tmp_path))
    monkeypatch.setenv("WUDU_PII_KEY", "centre-secret")
    assert pii_key(tmp_path) == b"centre-secret"


def _counts(con, source: str) -> dict[str, int]:
    from transforms.contracts import load_contracts

    out = {t.raw_table: con.execute(f"SELECT count(*) FROM {t.raw_table} WHERE _partition_day = ?", [DAY]).fetchone()[0]
           for t in load_contracts()[source].tables.values()}
    out["quarantine"] = con.execute("SELECT count(*) FROM raw.quarantine WHERE source = ? AND partition_day = ?",
                                    [source, DAY]).fetchone()[0]
    out["manifest_loaded"] = con.execute("SELECT count(*) FROM raw.file_manifest WHERE source = ? AND "
                                         "partition_day = ? AND status = 'loaded'", [source, DAY]).fetchone()[0]
    return out


def test_missing_source_folder_keeps_the_day_unless_cleared(demo_dir, tmp_path):
    from transforms.loader import load_source_day

    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        for source in ("roster", "platform"):
            load_source_day(con, landing, source, DAY)
        before = _counts(con, "platform")
        assert before["raw.platform__xapi_statements"] > 0

        shutil.move(landing / "platform" / DAY, tmp_path / "moved-away")  # moved, pruned, not yet synced
        report = load_source_day(con, landing, "platform", DAY)
        assert _counts(con, "platform") == before
        assert report.kept["xapi_statements"] == ("no file delivered for a day already loaded",
                                                  before["raw.platform__xapi_statements"])

        (landing / "platform" / DAY).mkdir()  # an empty folder is no delivery either
        load_source_day(con, landing, "platform", DAY)
        assert _counts(con, "platform") == before

        report = load_source_day(con, landing, "platform", DAY, clear_missing=True)  # the operator asks
        assert not report.kept
        assert set(_counts(con, "platform").values()) == {0}


def test_rejected_file_never_deletes_what_was_there(demo_dir, tmp_path):
    from transforms.loader import load_source_day
    from transforms.reconcile import reconcile

    landing = tmp_path / "landing"
    shutil.copytree(demo_dir / "landing", landing)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        load_source_day(con, landing, "roster", DAY)
        before = _counts(con, "roster")
        users = landing / "roster" / DAY / "users.csv"
        users.write_text("nothing,useful\n1,2\n", encoding="utf-8")  # no required column: rejected
        report = load_source_day(con, landing, "roster", DAY)
        assert [f.path for f in report.rejected] == [f"roster/{DAY}/users.csv"]
        assert report.kept["users"][1] == before["raw.roster__users"] > 0
        after = _counts(con, "roster")
        assert after == before  # users kept, the other roster tables replaced by identical files
        statuses = con.execute("SELECT status, count(*) FROM raw.file_manifest WHERE table_name = 'users' "
                               "GROUP BY 1 ORDER BY 1").fetchall()
        assert statuses == [("loaded", 1), ("rejected", 1)]
        assert all(r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"] for r in reconcile(con, "roster", DAY))


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from transforms import data_dir_lock
    data_dir_lock.acquire(sys.argv[1], what="test holder")
    print("held", flush=True)
    time.sleep(600)
""")


def test_data_dir_lock_excludes_other_writers_and_dies_with_its_process(tmp_path):
    from transforms import data_dir_lock

    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not data_dir_lock.is_free(tmp_path)
        assert data_dir_lock.holder(tmp_path)["pid"] == holder.pid
        with pytest.raises(data_dir_lock.DataDirBusy):
            data_dir_lock.acquire(tmp_path, wait=0)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert data_dir_lock.is_free(tmp_path)  # no stale lock after a SIGKILL
    data_dir_lock.acquire(tmp_path, wait=0)
    data_dir_lock.acquire(tmp_path, wait=0)  # re-entrant in one process
    data_dir_lock.release(tmp_path)
    assert data_dir_lock.held_here(tmp_path)
    data_dir_lock.release(tmp_path)
    assert data_dir_lock.is_free(tmp_path)


STUCK_RUN = textwrap.dedent("""
    import os, socket, sys, time
    import dagster as dg
    from orchestration.run_guard import PID_TAG, HOST_TAG, DATA_DIR_TAG

    @dg.op(pool="wudu_warehouse")
    def write():
        print("slot held", flush=True)
        time.sleep(600)

    @dg.job
    def night():
        write()

    night.execute_in_process(instance=dg.DagsterInstance.get(), tags={
        PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), DATA_DIR_TAG: sys.argv[1]})
""")


def test_a_sigkilled_run_is_failed_and_its_pool_slot_freed(tmp_path):
    import dagster as dg

    from orchestration.run_guard import recover_dead_runs

    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    data = tmp_path / "data"
    data.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home), WUDU_DATA_DIR=str(data))
    stuck = subprocess.Popen([sys.executable, "-c", STUCK_RUN, str(data)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 300
        while stuck.stdout.readline().strip() != "slot held":
            assert time.monotonic() < deadline and stuck.poll() is None
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert recover_dead_runs(instance, data) == []  # alive: left alone
    finally:
        stuck.send_signal(signal.SIGKILL)  # the OOM killer
        stuck.wait()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.STARTED
        assert instance.event_log_storage.get_concurrency_run_ids() == {run.run_id}
        assert recover_dead_runs(instance, data, log=lambda m: None) == [run.run_id]
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.event_log_storage.get_concurrency_run_ids() == set()


def test_publish_waits_for_the_writer_of_the_data_directory(tmp_path):
    """`wudu publish` re-reads the build file, which has one writer: during a night it must wait for
    the lock (and say so), not fail on DuckDB's file lock or publish a half-built warehouse."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    publish = None
    try:
        assert holder.stdout.readline().strip() == "held"
        publish = subprocess.Popen([sys.executable, "-m", "wudu.cli", "publish", "--data-dir", str(tmp_path)], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "DAGSTER_HOME": str(tmp_path / ".dagster_home")})
        assert publish.stdout.readline().startswith("waiting:")
        time.sleep(1)
        assert publish.poll() is None  # still waiting while the writer lives
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    out, err = publish.communicate(timeout=120)
    assert publish.returncode == 1 and "wudu publish:" in err  # then it ran: this directory has no build file
