"""Real processes, real signals, on the tiny demo (one day; each full run costs minutes here, so one
data directory serves every test and the runs are chained). SIGTERM stops a run before it publishes;
after a SIGKILL at landing, at dbt and at publish, a plain `wudu run` of the same window recovers the
dead run by itself and gives the same marts as an undisturbed run."""
from __future__ import annotations

import hashlib
import signal

import duckdb
import pytest

from tests.nights_helpers import (AT_DBT, AT_LANDING, AT_PUBLISH, RunProcess, checks_evaluated, demo_env, kill_at,
                                  run_statuses, slots_held)
from tests.pipeline_helpers import START, make_demo, table_fingerprints

DAY = START.isoformat()
# the step markers are INFO / dbt lines; the reports are not what these nights test (and cost time)
RUN = ["run", "--start", DAY, "--days", "1", "--verbose", "--without-reports"]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """A demo data directory and the marts of one undisturbed run (the reference)."""
    data = tmp_path_factory.mktemp("night") / "data"
    make_demo(data, days=1)
    env = demo_env(data)
    run = RunProcess(RUN, env)
    assert run.wait() == 0, run.output[-4000:]
    published = data / "warehouse" / "wudu.duckdb"
    return {"data": data, "env": env, "home": data / ".dagster_home", "published": published,
            "reference": table_fingerprints(published, schemas=("raw", "marts"))}


def test_without_reports_the_run_publishes_and_writes_no_report(night):
    assert night["published"].exists()
    assert not (night["data"] / "reports").exists()
    statuses = run_statuses(night["home"])
    assert list(statuses.values()) == ["SUCCESS"], statuses
    # the daily job's own checks, not every check of its assets: the morning freshness check judges
    # today, not the window, and stays out of a night as it does in the scheduled job
    checks = checks_evaluated(night["home"])
    assert "suite" in checks and "contract" in checks
    assert "landing_freshness" not in checks


def test_sigterm_stops_a_run_before_publish(night):
    before = _digest(night["published"])
    run = RunProcess(RUN, night["env"])
    run.wait_for(AT_DBT)
    run.signal(signal.SIGTERM)
    rc = run.wait(timeout=180)
    assert rc == 128 + signal.SIGTERM, run.output[-3000:]
    assert "stopping the run" in run.output and "nothing was published" in run.output
    assert "published_warehouse - published" not in run.output
    assert _digest(night["published"]) == before
    statuses = run_statuses(night["home"])
    assert "STARTED" not in statuses.values() and "FAILURE" in statuses.values(), statuses
    assert slots_held(night["home"]) == set()


def test_sigkill_at_landing_dbt_and_publish_then_a_plain_run_recovers(night):
    env = night["env"]
    killed = []
    for step in (AT_LANDING, AT_DBT, AT_PUBLISH):
        # each run is itself a plain `wudu run`: it must first recover the run killed before it
        run = kill_at(RUN, env, step, signal.SIGKILL)
        assert run.proc.returncode == -signal.SIGKILL
        killed.append(run)
    for later in killed[1:]:
        assert "recovered dead run" in later.output, later.output[:3000]
    statuses = run_statuses(night["home"])
    assert list(statuses.values()).count("STARTED") == 1  # the last one, killed, not yet seen

    final = RunProcess(RUN, env)
    assert final.wait() == 0, final.output[-4000:]
    assert "recovered dead run" in final.output
    statuses = run_statuses(night["home"])
    assert "STARTED" not in statuses.values(), statuses
    assert slots_held(night["home"]) == set()
    assert table_fingerprints(night["published"], schemas=("raw", "marts")) == night["reference"]


def test_the_next_night_refreshes_the_standby_to_what_a_full_publish_writes(night):
    """The file a publish replaces stays as the hidden standby; the next night's publish refreshes the
    days the dbt ledger noted since (here: every night above, killed or not, re-ran DAY) and swaps it
    in. Its marts must equal the first night's full publish."""
    standby = night["published"].with_name(".wudu.duckdb.standby")
    if not standby.exists():  # this test run alone: the night before makes the standby
        assert RunProcess(RUN, night["env"]).wait() == 0
    run = RunProcess(RUN, night["env"])
    assert run.wait() == 0, run.output[-4000:]
    with duckdb.connect(str(night["published"]), read_only=True) as con:
        state = con.execute("SELECT mode, reason, refreshed_windows FROM wudu_meta.publish_state").fetchone()
    assert state == ("incremental", "", f"{DAY}..{DAY}"), state
    assert f"incremental: days {DAY}..{DAY} of the daily facts replaced" in run.output
    assert table_fingerprints(night["published"], schemas=("raw", "marts")) == night["reference"]


def test_a_corrupt_build_file_is_rebuilt_from_landing(night):
    build = night["data"] / "warehouse" / "build" / "wudu_build.duckdb"
    with open(build, "r+b") as fh:  # a torn write: the header is garbage
        fh.write(b"\0garbage" * 512)
    run = RunProcess(["rebuild", "--from-landing"], night["env"])
    assert run.wait() == 0, run.output[-4000:]
    assert "set aside as" in run.output and f"rebuilding {DAY}..{DAY}" in run.output
    assert list(build.parent.glob("wudu_build.duckdb.before-rebuild-*"))
    assert table_fingerprints(night["published"], schemas=("raw", "marts")) == night["reference"]
