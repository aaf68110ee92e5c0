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
    """dagster-dbt loads the manifest at import; prepare_if_dev() does nothing outside `dagster dev`."""
    import subprocess
    import sys
    from pathlib import Path

    project = Path(__file__).resolve().parents[1] / "dbt_project"
    if (project / "dbt_project.yml").exists() and not (project / "target" / "manifest.json").exists():
        dbt = Path(sys.executable).parent / "dbt"
        env = dict(os.environ, WUDU_BUILD_DB=os.environ.get("WUDU_BUILD_DB", "/tmp/wudu_parse.duckdb"))
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(project)], cwd=project, env=env, check=True)


def pytest_collection_modifyitems(session, config, items):
    """The fast tier (tests/unit: no warehouse, no Dagster run) runs first, so a broken rule fails in
    seconds; the integration tests follow in their usual order."""
    items.sort(key=lambda item: 0 if "/tests/unit/" in str(item.fspath) else 1)


DEMO_DAYS = ("2026-09-07", "2026-09-11")  # one school week of the tiny demo district


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The tiny demo district, one school week, materialised ONCE per session through Dagster in one
    run of every asset (landing, dbt, publish, reports) — as a UI backfill with the single-run policy
    launches it. Returns (data dir, run result). Tests must only read it."""
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
