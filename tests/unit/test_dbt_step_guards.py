"""The dbt step's two guards. A project changed after the manifest Dagster loaded makes dbt report
nodes Dagster does not know, half-way through a build: the step refuses to start instead. And a step
that fails while dbt runs must not leave dbt writing the build file (and holding DuckDB's lock against
the step's own retries): seen on a city day, 2026-12-07 (docs/operations.md)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from types import SimpleNamespace

from orchestration.assets.dbt import manifest_out_of_date, stop_dbt


def test_files_changed_after_the_manifest_are_named(tmp_path):
    (tmp_path / "models" / "core").mkdir(parents=True)
    (tmp_path / "macros").mkdir()
    files = [tmp_path / "models" / "core" / "a.sql", tmp_path / "macros" / "m.sql", tmp_path / "dbt_project.yml"]
    for f in files:
        f.write_text("x")
        os.utime(f, (1_000_000, 1_000_000))
    (tmp_path / "target").mkdir()
    manifest = tmp_path / "target" / "manifest.json"
    manifest.write_text("{}")
    os.utime(manifest, (2_000_000, 2_000_000))
    project = SimpleNamespace(manifest_path=manifest, project_dir=tmp_path)
    assert manifest_out_of_date(project) == []

    os.utime(files[0], (3_000_000, 3_000_000))  # a model edited after `dbt parse`
    os.utime(files[2], (3_000_000, 3_000_000))
    (tmp_path / "target" / "run_results.json").write_text("{}")  # dbt's own output is not the project
    assert manifest_out_of_date(project) == ["dbt_project.yml", "models/core/a.sql"]


def test_a_dbt_left_running_is_stopped(tmp_path):
    # each sets its Ctrl-C handling itself (a process started in the background by a shell inherits
    # Ctrl-C ignored, as under CI) and says when it is ready (a Ctrl-C before that, on a busy
    # machine, would hit the interpreter's start)
    polite = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGINT, "
                               "signal.default_int_handler); print('ready', flush=True); time.sleep(120)"],
                              stdout=subprocess.PIPE, text=True)
    deaf = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                             "print('ready', flush=True); time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    assert polite.stdout.readline() == deaf.stdout.readline() == "ready\n"
    started = time.monotonic()
    stop_dbt(polite, timeout=30)
    assert polite.poll() is not None and time.monotonic() - started < 10  # Ctrl-C ended it
    stop_dbt(deaf, timeout=1)
    assert deaf.poll() == -9  # ignored Ctrl-C: killed after the timeout
    stop_dbt(deaf)  # an ended process: nothing to do
