"""A failed dbt build is retried only when waiting can cure it. A data test that fails, or a model
that errors, fails the same way on the same days and SQL: the dbt step used to retry such a build
twice, and on a city backfill (33 days, 2026-12-07) each retry rebuilt the window for ≈ 7 minutes
before failing on the same test. A build file held by another writer is the transient case."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg

from orchestration.assets.dbt import permanent_dbt_failure

DBT = str(Path(sys.executable).parent / "dbt")


def mini_project(root: Path, db: Path) -> Path:
    """A dbt project of its own: one model that builds, a data test on it that fails, a model that
    errors and one built on that (skipped)."""
    root.mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: mini\nversion: '1.0.0'\nprofile: mini\nconfig-version: 2\n")
    (root / "profiles.yml").write_text(f"mini:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: '{db}'\n")
    (root / "models").mkdir()
    (root / "models" / "ids.sql").write_text("select 1 as id union all select -2")
    (root / "models" / "broken.sql").write_text("select * from a_table_nobody_landed")
    (root / "models" / "after_broken.sql").write_text("select * from {{ ref('broken') }}")
    (root / "tests").mkdir()
    (root / "tests" / "ids_are_positive.sql").write_text("select * from {{ ref('ids') }} where id <= 0")
    return root


def dbt_build(project: Path, target: Path) -> subprocess.CompletedProcess:
    return subprocess.run([DBT, "build", "--profiles-dir", str(project), "--target-path", str(target)],
                          cwd=project, capture_output=True, text=True, timeout=300)


def test_a_failed_test_or_model_is_permanent_a_locked_build_file_is_not(tmp_path):
    db = tmp_path / "mini.duckdb"
    project = mini_project(tmp_path / "mini", db)
    out = dbt_build(project, tmp_path / "target_data")
    assert out.returncode != 0, out.stdout[-2000:]
    why = permanent_dbt_failure(tmp_path / "target_data")
    assert why is not None
    assert "failed on 2 node(s), 1 skipped after them" in why, why
    assert "ids_are_positive (fail: Got 1 result" in why and "broken (error: " in why, why
    assert "a_table_nobody_landed" in why and "Not retried" in why, why

    # the same project while another process holds the build file: dbt fails, a retry can pass
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('locked', flush=True); time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        locked = dbt_build(project, tmp_path / "target_locked")
    finally:
        holder.kill()
        holder.wait()
    assert locked.returncode != 0
    assert "lock" in (locked.stdout + locked.stderr).lower(), locked.stdout[-2000:]
    assert permanent_dbt_failure(tmp_path / "target_locked") is None
    assert permanent_dbt_failure(tmp_path / "no_such_target") is None  # dbt stopped before any node


def test_the_dbt_step_does_not_retry_a_build_that_failed_on_the_data(tmp_path):
    """Through Dagster, with the project's own dbt step: a warehouse where nothing was landed fails
    its staging models; the step fails once, naming them, with no retry."""
    from tests.pipeline_helpers import all_assets, resources

    data = tmp_path / "data"
    (data / "landing").mkdir(parents=True)
    assets = all_assets()
    dbt_step = next(a for a in assets if a.node_def.name == "wudu_dbt_assets")
    result = dg.materialize(assets, selection=dg.AssetSelection.assets(dbt_step), partition_key="2026-09-08",
                            resources=resources(data), instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    failures = [e for e in result.all_events if e.is_step_failure]
    assert len(failures) == 1
    description = failures[0].step_failure_data.user_failure_data.description
    assert "Not retried" in description and "stg_" in description, description
    # and `wudu run`'s closing summary says which step failed and why, not only which checks did
    from wudu.summary import failed_steps

    assert failed_steps([result]) == [(failures[0].step_key, description)]
