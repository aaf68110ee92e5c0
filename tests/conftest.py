from __future__ import annotations

import os

import pytest

# the fixed demo key only: tests never see a real key
os.environ.setdefault("WUDU_DEMO", "1")


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
