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
from pydantic import PrivateAttr

from orchestration import run_guard
from transforms import data_dir_lock
from transforms.publish.duckdb_file import PublishReport, publish_duckdb
from transforms.settings import DEFAULT_ENGINE, Paths, engine, spark_settings

LOCK_RETRIES = 8
WAREHOUSE_POOL = "wudu_warehouse"  # DuckDB has one writer: every writing step shares this pool


class TransientWarehouseError(Exception):
    """The warehouse file is locked by another writer; worth retrying."""


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.IOException) and ("lock" in text or "resource temporarily unavailable" in text)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB build warehouse (written by Dagster and dbt) and its published read-only copy.
    `engine` (WUDU_ENGINE, default duckdb) says who models the landed days: DuckDB in the build file,
    or Spark over the Parquet lake (landing and publishing stay here; docs/decisions.md#spark)."""

    data_dir: str
    engine: str = DEFAULT_ENGINE
    _env_before: dict = PrivateAttr(default_factory=dict)

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.data_dir).resolve())

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # dbt's profile reads the build file from this variable
        os.environ["WUDU_BUILD_DB"] = str(self.paths.build_db)
        if self.is_spark:  # dbt's spark target reads where the cluster, lake and metastore are
            settings = self.spark
            self._env_before = {k: os.environ.get(k) for k in settings}
            os.environ.update(settings)
        # one writer per data directory whatever the Dagster home; held until the run ends
        data_dir_lock.acquire(self.paths.data_dir, what=f"dagster run {context.run_id}",
                              on_wait=lambda h: context.log.warning(
                                  f"waiting for {data_dir_lock.lock_path(self.paths.data_dir)}, held by {h}")
                              if context.log else None)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        # the Spark settings were this run's: the next run (another data dir) derives its own
        for k, v in self._env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        data_dir_lock.release(self.paths.data_dir)

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
        con.execute("SET enable_progress_bar = false")  # bars of long queries would fill the run's log
        run_guard.track_connection(con)  # so a stop request can interrupt a long query
        try:
            yield con
        finally:
            run_guard.untrack_connection(con)
            con.close()

    @property
    def is_spark(self) -> bool:
        return engine(self.engine) == "spark"

    @property
    def spark(self) -> dict[str, str]:
        return spark_settings(self.paths.data_dir)

    @property
    def lake(self) -> Path:
        return Path(self.spark["WUDU_LAKE_DIR"])

    def publish(self) -> PublishReport:
        """Publish the analyst-facing warehouse (marts and seeds, labelled) from the build file,
        atomically: readers holding the old file keep a consistent view; new readers see the new one.
        On Spark the marts and seeds are first copied from Spark's warehouse into the build file."""
        with self.connect() as con:
            if self.is_spark:
                from transforms.publish.spark_tables import import_spark_tables
                from transforms.publish.labels import MANIFEST
                import_spark_tables(con, Path(self.spark["WUDU_SPARK_WAREHOUSE"]), manifest=MANIFEST)
            con.execute("CHECKPOINT")
        # Spark's import replaces the facts without the dbt ledger's days: the file is written whole
        return publish_duckdb(self.paths.build_db, self.paths.published_db, incremental=not self.is_spark)


class PostgresTargetResource(dg.ConfigurableResource):
    """The optional PostgreSQL publish target for BI tools. The URL (with its password) is read from
    the environment variable named here when the step runs, so it never shows in run config; unset =
    the step is skipped."""

    url_env: str = "WUDU_PG_URL"
    analyst_role: str = "wudu_analyst"

    @property
    def url(self) -> str | None:
        return os.environ.get(self.url_env) or None


def dbt_executable() -> str:
    """The venv's dbt, so runs do not depend on PATH."""
    for candidate in (Path(sys.prefix) / "bin" / "dbt", Path(sys.executable).parent / "dbt"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("dbt") or "dbt"
