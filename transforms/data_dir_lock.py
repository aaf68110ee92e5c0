"""One writer per data directory, whatever the Dagster home: every writing run holds an exclusive
fcntl lock on `$WUDU_DATA_DIR/.wudu.lock`. The kernel drops the lock when its process dies (SIGKILL,
OOM killer, reboot), so a crash never leaves a stale lock behind, and a free lock proves that no
writer of this directory is alive. Re-entrant inside one process (the CLI holds it around the run,
the run's warehouse resource takes it again)."""
from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from pathlib import Path

LOCK_NAME = ".wudu.lock"

_held: dict[Path, list] = {}  # lock path -> [open file, depth]
_mutex = threading.Lock()


class DataDirBusy(RuntimeError):
    """Another process writes this data directory."""


def lock_path(data_dir: str | Path) -> Path:
    return Path(data_dir).resolve() / LOCK_NAME


def holder(data_dir: str | Path) -> dict:
    """Who wrote the lock file last (pid, host, since, what): informative only, the lock is the truth."""
    try:
        return json.loads(lock_path(data_dir).read_text() or "{}")
    except (OSError, ValueError):
        return {}


def acquire(data_dir: str | Path, what: str = "run", wait: float | None = None, on_wait=None) -> None:
    """Take the lock (re-entrant). wait=None waits for ever, 0 fails at once; on_wait(holder) is
    called once when the lock is busy, so a waiting command says why it waits."""
    path = lock_path(data_dir)
    with _mutex:
        if path in _held:
            _held[path][1] += 1
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+")
    deadline = None if wait is None else time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if deadline is not None and time.monotonic() >= deadline:
                fh.close()
                raise DataDirBusy(f"{Path(data_dir)} is being written by another process: {holder(data_dir)}") from None
            if not told and on_wait:
                on_wait(holder(data_dir))
                told = True
            time.sleep(0.5)
    fh.seek(0)
    fh.truncate()
    fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "what": what,
                         "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
    fh.flush()
    with _mutex:
        _held[path] = [fh, 1]


def release(data_dir: str | Path) -> None:
    path = lock_path(data_dir)
    with _mutex:
        entry = _held.get(path)
        if not entry:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _held[path]
    fh = entry[0]
    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    fh.close()


def held_here(data_dir: str | Path) -> bool:
    return lock_path(data_dir) in _held


def is_free(data_dir: str | Path) -> bool:
    """True when no process (this one included) holds the lock: no writer of the directory is alive."""
    if held_here(data_dir):
        return False
    path = lock_path(data_dir)
    if not path.exists():
        return True
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return True
