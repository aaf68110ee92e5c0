"""Runs that stop when told and recover by themselves.

- Stop: `request_stop()` (called by the CLI's SIGINT/SIGTERM handler) interrupts the warehouse
  connections and the dbt process of the running step; every writing step checks `raise_if_stopped`
  first, without retries, so nothing is published after an interrupt.
- Recover: a run whose process died (SIGKILL, OOM killer, reboot) stays STARTED in Dagster and keeps
  its `wudu_warehouse` pool slot, which blocks every later run. `recover_dead_runs` marks such runs
  failed and frees their slots; it runs when `wudu run` starts and every minute in the daemon
  (sensor `dead_run_monitor`). A run is dead when its process is gone: the CLI tags its runs with
  pid and host; for other runs, the data-directory lock (held by every writing run) is free."""
from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb

from transforms import data_dir_lock
from transforms.processes import pid_alive

PID_TAG = "wudu/pid"
HOST_TAG = "wudu/host"
DATA_DIR_TAG = "wudu/data_dir"
CLEAR_MISSING_TAG = "wudu/clear_missing"  # "true": a source without files for a day clears that day
# a daemon-launched run takes the lock when its resources start: give it this long after its launch
# (its last change of status), not after its creation — a run queued behind another for minutes
# was otherwise failed seconds after the queue launched it, while its worker was still importing
GRACE_SECONDS = 120

_stop = threading.Event()
_stop_reason: list[str] = []
_connections: set[duckdb.DuckDBPyConnection] = set()
_mutex = threading.Lock()


class RunStopped(dg.Failure):
    pass


def request_stop(reason: str) -> None:
    """Stop the run of this process at once: interrupt DuckDB queries and the dbt child processes."""
    _stop_reason.append(reason)
    _stop.set()
    with _mutex:
        for con in list(_connections):
            try:
                con.interrupt()
            except Exception:  # noqa: BLE001 - a closing connection needs no interrupt
                pass
    for pid in child_pids(os.getpid()):
        try:
            os.kill(pid, signal.SIGINT)  # dbt cancels its queries and exits on SIGINT
        except ProcessLookupError:
            pass


def stop_requested() -> bool:
    return _stop.is_set()


def reset_stop() -> None:
    _stop.clear()
    _stop_reason.clear()


def raise_if_stopped(step: str, context=None) -> None:
    """Refuse to start a writing step once a stop was requested: by a signal to `wudu run`, or (given
    the step's context) by terminating the run from Dagster, which leaves it CANCELING."""
    reason = _stop_reason[0] if _stop.is_set() else None
    if reason is None and context is not None:
        run = context.instance.get_run_by_id(context.run_id)
        if run is not None and run.status in (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.CANCELED):
            reason = "terminated from Dagster"
    if reason:
        raise RunStopped(description=f"{step} not started: the run was stopped ({reason})", allow_retries=False)


def track_connection(con: duckdb.DuckDBPyConnection) -> None:
    with _mutex:
        _connections.add(con)
    if _stop.is_set():
        con.interrupt()


def untrack_connection(con: duckdb.DuckDBPyConnection) -> None:
    with _mutex:
        _connections.discard(con)


def child_pids(pid: int) -> list[int]:
    """Direct children of a process (Linux /proc), e.g. the dbt process a step started."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields follow the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(d.name))
    return out


def run_process_dead(run: dg.DagsterRun, data_dir: Path, now: float | None = None,
                     since: float | None = None) -> bool:
    """Whether the process of an unfinished run is gone (see the module docstring). `since`: when the
    run took its present status (`status_since`), from which an untagged run's grace counts."""
    tags = run.tags
    if tags.get(DATA_DIR_TAG) and Path(tags[DATA_DIR_TAG]) != data_dir:
        return False  # another data directory's run sharing this instance: not ours to judge
    if tags.get(PID_TAG) and tags.get(HOST_TAG) == socket.gethostname():
        pid = int(tags[PID_TAG])
        if pid == os.getpid():
            return False
        return not pid_alive(pid)
    if not data_dir_lock.is_free(data_dir):
        return False
    now = now or time.time()
    return since is None or now - since > GRACE_SECONDS


def status_since(rec) -> float:
    """When an unfinished run's record last changed status (STARTING: launched from the queue;
    STARTED: its worker began; CANCELING: asked to stop), as a POSIX timestamp."""
    return max(rec.update_timestamp.timestamp(), rec.start_time or 0.0)


def recover_dead_runs(instance: dg.DagsterInstance, data_dir: str | Path, log=print,
                      now: float | None = None) -> list[str]:
    """Mark unfinished runs whose process died as failed and free their pool slots."""
    data_dir = Path(data_dir).resolve()
    unfinished = instance.get_run_records(filters=dg.RunsFilter(statuses=[
        dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]))
    recovered = []
    for rec in unfinished:
        run = rec.dagster_run
        if not run_process_dead(run, data_dir, now=now, since=status_since(rec)):
            continue
        message = ("运行进程已终止 · the process of this run died (killed, out of memory or rebooted); "
                   "marked failed and its pool slots freed so later runs can start")
        instance.report_run_failed(run, message=message)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
        log(f"recovered dead run {run.run_id[:8]} ({run.status.value}): marked FAILURE, pool slots freed")
    # slots of runs that already ended (e.g. failed from outside) can linger too
    if instance.event_log_storage.supports_global_concurrency_limits:
        for run_id in instance.event_log_storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
                if run_id not in recovered:
                    log(f"freed pool slots left by finished run {run_id[:8]}")
    return recovered


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Marks runs whose process died (killed, out of memory, reboot) as failed and frees "
                       "their pool slots, so queued runs start.")
def dead_run_monitor(context: dg.SensorEvaluationContext):
    from transforms.settings import data_dir

    recovered = recover_dead_runs(context.instance, data_dir(), log=context.log.warning)
    return dg.SkipReason(f"recovered {len(recovered)} dead run(s)" if recovered else "no dead run")
