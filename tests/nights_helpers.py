"""Driving `wudu run` as a real process: start it, watch its output for a step, send a real signal."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WUDU = Path(sys.executable).parent / "wudu"

# what a run prints when it reaches a step (the Dagster log lines of our assets and dbt's own output)
AT_LANDING = re.compile(r"raw_roster - roster/\S+: \d+ rows read")
AT_DBT = re.compile(r"\b20 of \d+ (START|OK)")  # inside dbt build, models being written
AT_PUBLISH = re.compile(r"Finished running .* models")  # dbt done: the publish step is next


def demo_env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "WUDU_PII_KEY")}
    env.update(WUDU_DATA_DIR=str(data_dir), WUDU_DEMO="1", PYTHONUNBUFFERED="1", **extra)
    return env


class RunProcess:
    """`wudu <args>` with its merged output collected line by line in a thread."""

    def __init__(self, args: list[str], env: dict):
        self.proc = subprocess.Popen([str(WUDU), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: re.Pattern, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for line in self.lines[seen:]:
                if pattern.search(line):
                    return line
            seen = len(self.lines)
            if self.proc.poll() is not None and seen == len(self.lines):
                raise AssertionError(f"run ended (rc={self.proc.returncode}) before {pattern.pattern!r}:\n"
                                     + self.output[-4000:])
            time.sleep(0.1)
        raise AssertionError(f"no {pattern.pattern!r} within {timeout}s:\n" + self.output[-4000:])

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 900) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(10)
        return rc


def kill_at(args: list[str], env: dict, pattern: re.Pattern, sig: int = signal.SIGKILL) -> RunProcess:
    run = RunProcess(args, env)
    run.wait_for(pattern)
    run.signal(sig)
    run.wait(timeout=300)
    return run


def run_statuses(dagster_home: Path) -> dict[str, str]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        return {r.run_id: r.status.value for r in instance.get_runs()}


def checks_evaluated(dagster_home: Path) -> list[str]:
    """Names of the asset checks every run in this instance evaluated, one entry per evaluation."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        return [e.dagster_event.event_specific_data.check_name for r in instance.get_runs()
                for e in instance.all_logs(r.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)]


def slots_held(dagster_home: Path) -> set[str]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        return set(instance.event_log_storage.get_concurrency_run_ids())
