"""The UI's view: `dagster dev` on loopback loads the code location (assets, checks, schedule,
sensor), and a backfill launched through its GraphQL API over three days — cut by the backfill policy
into windows of at most two days here (WUDU_MAX_DAYS_PER_RUN=2), so one run of two days and one of
one — produces the same warehouse as three single-day runs (the reports are left out of the
day-by-day runs: the comparison reads the build warehouse, which they do not write)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.pipeline_helpers import START, WITHOUT_REPORTS, make_demo, materialize_day, table_fingerprints

ROOT = Path(__file__).resolve().parents[1]
DAYS = [f"2026-09-{d:02d}" for d in range(7, 10)]

LOCATION_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries { name
    locationOrLoadError { __typename
      ... on PythonError { message }
      ... on RepositoryLocation { repositories { name
          pipelines { name } schedules { name } sensors { name }
          assetNodes { assetKey { path } isMaterializable assetChecksOrError { ... on AssetChecks { checks { name } } } } } } } } } } }
"""
BACKFILL = """
mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }
"""
STATUS = "query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill { status } } }"
RUNS = """
query($id: String!) { runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
  ... on Runs { results { status tags { key value } } } } }
"""
DAYS_PER_RUN = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dagster_dev(tmp_path):
    data = tmp_path / "data"
    make_demo(data, days=len(DAYS), start=START)
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(home), WUDU_DATA_DIR=str(data), WUDU_TRIGGER="none",
               WUDU_MAX_DAYS_PER_RUN=str(DAYS_PER_RUN))
    log = open(tmp_path / "dagster_dev.log", "w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/graphql"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(1)
    else:
        proc.kill()
        pytest.fail("dagster dev did not start: " + (tmp_path / "dagster_dev.log").read_text()[-3000:])
    yield url, data, tmp_path
    # the test does not depend on a clean shutdown: after the backfill, in the suite, `dagster dev`
    # took over a minute to stop on SIGTERM (≈ 1 s run alone), so the group gets 10 s, then SIGKILL
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def gql(url, query, variables=None):
    r = requests.post(url, json={"query": query, "variables": variables or {}}, timeout=60)
    r.raise_for_status()
    body = r.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.mark.slow
def test_ui_loads_code_location_and_backfill_equals_daily_runs(dagster_dev):
    url, data, tmp = dagster_dev
    loc = None
    for _ in range(90):  # the location may still be loading (dbt parse) right after start-up
        try:
            entries = gql(url, LOCATION_QUERY)["workspaceOrError"]["locationEntries"]
            loc = entries[0]["locationOrLoadError"]
        except (requests.HTTPError, KeyError, IndexError):
            loc = None
        if loc and loc["__typename"] == "RepositoryLocation":
            break
        time.sleep(2)
    assert loc["__typename"] == "RepositoryLocation", loc
    repo = loc["repositories"][0]
    assert "wudu_daily" in {p["name"] for p in repo["pipelines"]}
    assert {"wudu_nightly", "wudu_freshness_morning"} <= {s["name"] for s in repo["schedules"]}
    assert {s["name"] for s in repo["sensors"]} == {"landing_sensor", "dead_run_monitor"}
    nodes = {"/".join(n["assetKey"]["path"]): n for n in repo["assetNodes"]}
    assert {"raw/roster/users", "raw/platform/xapi_statements", "raw/training/signins", "published_warehouse"} <= set(nodes)
    assert any(k.endswith("fct_teacher_five_degree_term") for k in nodes)
    checks = {c["name"] for c in nodes["raw/platform/lesson_sessions"]["assetChecksOrError"]["checks"]}
    assert {"contract", "reconciliation", "suite", "landing_freshness"} <= checks

    # everything a data engineer would tick in the UI (the raw/ops tables are external: written by the raw assets)
    params = {"partitionNames": DAYS, "assetSelection": [{"path": n["assetKey"]["path"]} for n in nodes.values()
                                                         if n["isMaterializable"]],
              "title": "test backfill"}
    launched = gql(url, BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]
    deadline = time.monotonic() + 900
    status = None
    while time.monotonic() < deadline:
        status = gql(url, STATUS, {"id": backfill_id})["partitionBackfillOrError"]["status"]
        if status not in ("REQUESTED", "CANCELING", "FAILING"):
            break
        time.sleep(3)
    assert status in ("COMPLETED", "COMPLETED_SUCCESS"), f"{status}: " + (tmp / "dagster_dev.log").read_text()[-4000:]
    # the policy's windows, each one run of every selected asset
    runs = gql(url, RUNS, {"id": backfill_id})["runsOrError"]["results"]
    windows = sorted((t["dagster/asset_partition_range_start"], t["dagster/asset_partition_range_end"])
                     for t in ({x["key"]: x["value"] for x in r["tags"]} for r in runs))
    assert windows == [(DAYS[0], DAYS[1]), (DAYS[2], DAYS[2])], windows
    assert {r["status"] for r in runs} == {"SUCCESS"}, runs

    # the same days, one in-process run each, in a separate warehouse
    daily = tmp / "daily"
    shutil.copytree(data / "landing", daily / "landing")
    for day in DAYS:
        assert materialize_day(daily, day, selection=WITHOUT_REPORTS).success, day
    build = Path("warehouse") / "build" / "wudu_build.duckdb"
    assert table_fingerprints(data / build) == table_fingerprints(daily / build)
