"""Resources: where the warehouse lives and how to open it (one writer at a time, retried)."""
from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from transforms.settings import Paths

LOCK_RETRIES = 8
WAREHOUSE_POOL = "wudu_warehouse"  # DuckDB has one writer: every writing step shares this pool


class TransientWarehouseError(Exception):
    """The warehouse file is locked by another writer; worth retrying."""


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.IOException) and ("lock" in text or "resource temporarily unavailable" in text)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB build warehouse (written by Dagster and dbt) and its published read-only copy."""

    data_dir: str

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.data_dir).resolve())

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # dbt's profile reads the build file from this variable
        os.environ["WUDU_BUILD_DB"] = str(self.paths.build_db)

    @contextmanager
    def connect(self, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the build warehouse for writing. A lock held by another process is transient:
        wait with exponential backoff, then give up with TransientWarehouseError."""
        path = self.paths.build_db
        path.parent.mkdir(parents=True, exist_ok=True)
        delay = 0.5
        for attempt in range(1, LOCK_RETRIES + 1):
            try:
                con = duckdb.connect(str(path))
                break
            except duckdb.IOException as exc:
                if not is_lock_error(exc) or attempt == LOCK_RETRIES:
                    if is_lock_error(exc):
                        raise TransientWarehouseError(f"{path} stayed locked after {attempt} tries: {exc}") from exc
                    raise
                if log:
                    log.warning(f"warehouse locked (try {attempt}/{LOCK_RETRIES}); retrying in {delay:.1f}s")
                time.sleep(delay)
                delay = min(delay * 2, 15)
        try:
            yield con
        finally:
            con.close()

    def publish(self) -> Path:
        """Copy the build warehouse to the analysts' file atomically: readers holding the old file
        keep a consistent view; new readers see the new one; nobody sees a half-built state."""
        with self.connect() as con:
            con.execute("CHECKPOINT")
        target = self.paths.published_db
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(self.paths.build_db, tmp)
        os.chmod(tmp, 0o444)  # analysts cannot write, whatever client they use
        os.replace(tmp, target)
        return target


def dbt_executable() -> str:
    """The venv's dbt, so runs do not depend on PATH."""
    for candidate in (Path(sys.prefix) / "bin" / "dbt", Path(sys.executable).parent / "dbt"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("dbt") or "dbt"
