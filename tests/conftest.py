from __future__ import annotations

import os

import pytest

# a fixed test key: tests never see a real key, and fixtures outside a demo data directory (where
# WUDU_DEMO=1 is not honoured) still land; tests of the key policy unset it in their subprocesses
os.environ.setdefault("WUDU_DEMO", "1")
os.environ.setdefault("WUDU_PII_KEY", "wudu-test-key-not-for-production")


@pytest.fixture
def landing(tmp_path):
    path = tmp_path / "landing"
    path.mkdir()
    return path


def pytest_sessionstart(session):
    """dagster-dbt loads the manifest at import; prepare_if_dev() does nothing outside `dagster dev`.
    (Once, in the process that starts the session: xdist workers find the manifest written.)"""
    import subprocess
    import sys
    from pathlib import Path

    if hasattr(session.config, "workerinput"):
        return
    project = Path(__file__).resolve().parents[1] / "dbt_project"
    if (project / "dbt_project.yml").exists() and not (project / "target" / "manifest.json").exists():
        dbt = Path(sys.executable).parent / "dbt"
        env = dict(os.environ, WUDU_BUILD_DB=os.environ.get("WUDU_BUILD_DB", "/tmp/wudu_parse.duckdb"))
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(project)], cwd=project, env=env, check=True)


# `make test` runs two pytest-xdist workers. Tests are handed out by group (the scheduler below):
# a module's tests stay on one worker, so its module fixtures are built once; the modules sharing a
# session fixture (built once per worker) share a group. Groups go out in collection order: the fast
# tier first, then the longest groups (as `make test` measures them: --durations), so the two
# workers finish together instead of one starting a 6-minute module at the end.
# (xdist's own `--dist loadgroup` reads groups through a test-id attribute pytest 9.2 no longer has.)
DEMO_RUN_MODULES = frozenset({"test_docs_snippets", "test_pipeline", "test_publish", "test_publish_postgres",
                              "test_reports"})  # the users of the session's `demo_run`, checked at collection
LONGEST_FIRST = ("test_planted_truth", "test_spark_parity", "test_nights_signals", "demo_run",
                 "test_ui_backfill", "test_validation", "test_operations", "test_dbt_build", "test_demo_data",
                 "test_spark_validation", "test_dbt_golden", "test_practice_marts", "test_rejected_file_granularity")


def _module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")


def xdist_group_of(nodeid: str) -> str:
    if nodeid.startswith("tests/unit/"):
        return "unit"
    module = _module_of(nodeid)
    return "demo_run" if module in DEMO_RUN_MODULES else module


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group_of(nodeid)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(session, config, items):
    """The fast tier (tests/unit: no warehouse, no Dagster run) runs first, so a broken rule fails in
    seconds; the integration tests follow, longest groups first."""
    users = {_module_of(item.nodeid) for item in items
             if {"demo_run", "demo_warehouse"} & set(getattr(item, "fixturenames", ()))}
    if not users <= DEMO_RUN_MODULES:
        raise pytest.UsageError(f"add {sorted(users - DEMO_RUN_MODULES)} to DEMO_RUN_MODULES in tests/conftest.py: "
                                "they use the session's demo_run and must share its xdist group")

    def rank(item) -> int:
        g = xdist_group_of(item.nodeid)
        return 0 if g == "unit" else 1 + LONGEST_FIRST.index(g) if g in LONGEST_FIRST else 1 + len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: tests keep their order within a group


DEMO_DAYS = ("2026-09-07", "2026-09-11")  # one school week of the tiny demo district


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The tiny demo district, one school week, materialised ONCE per session through Dagster in one
    run of every asset (landing, dbt, publish, reports) — as a UI backfill launches a window of
    up to MAX_DAYS_PER_RUN days. Returns (data dir, run result). Tests must only read it."""
    from tests.pipeline_helpers import make_demo, materialize_range

    data = tmp_path_factory.mktemp("demo") / "data"
    make_demo(data, days=5)
    old = os.environ.get("WUDU_DATA_DIR")
    os.environ["WUDU_DATA_DIR"] = str(data)
    try:
        result = materialize_range(data, *DEMO_DAYS)
        assert result.success
    finally:
        if old is None:
            os.environ.pop("WUDU_DATA_DIR")
        else:
            os.environ["WUDU_DATA_DIR"] = old
    return data, result


@pytest.fixture(scope="session")
def demo_warehouse(demo_run):
    """The data dir of the session's demo run (published analysts' file, build file, reports)."""
    return demo_run[0]
