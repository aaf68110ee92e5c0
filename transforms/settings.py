"""Where things live. Every path derives from WUDU_DATA_DIR so tests and runs stay isolated."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SOURCES = ("roster", "platform", "training")
DEMO_PII_KEY = "wudu-demo-key-not-for-production"
# Written by the demo generator into the data directory it creates: the demo key is honoured only
# where this marker exists, so WUDU_DEMO=1 left in a shell (or a Makefile) never applies to real data.
DEMO_MARKER = ".wudu-demo"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse_dir / "build" / "wudu_build.duckdb"

    @property
    def published_db(self) -> Path:
        return self.warehouse_dir / "wudu.duckdb"

    @property
    def gx_docs(self) -> Path:
        return self.data_dir / "gx_docs"

    # The Spark engine (WUDU_ENGINE=spark): the landed days as partitioned Parquet, and Spark's own
    # warehouse and local metastore (a centre's cluster overrides them, see spark_settings()).
    @property
    def lake(self) -> Path:
        return self.warehouse_dir / "lake"

    @property
    def spark_dir(self) -> Path:
        return self.warehouse_dir / "spark"


ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"


def engine(value: str | None = None) -> str:
    """Which engine models the landed data: DuckDB (the default, one machine) or Spark (a cluster).
    Landing, contracts and rules are the same for both; see docs/decisions.md#spark."""
    name = (value or os.environ.get("WUDU_ENGINE") or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"未知引擎 · unknown engine WUDU_ENGINE={name!r}: use one of {', '.join(ENGINES)}")
    return name


def spark_settings(root: str | Path | None = None) -> dict[str, str]:
    """Where the Spark engine runs and keeps its tables, as environment variables dbt's `spark` target
    reads (dbt_project/profiles.yml). Defaults: an in-process local Spark, the warehouse and a Derby
    metastore under the data directory; a centre sets WUDU_SPARK_MASTER (spark://host:7077),
    WUDU_SPARK_WAREHOUSE (a path every node sees, e.g. hdfs://…) and WUDU_SPARK_METASTORE_URL (its
    metastore's JDBC URL) instead."""
    p = paths(root)
    return {
        "WUDU_SPARK_MASTER": os.environ.get("WUDU_SPARK_MASTER", "local[2]"),
        "WUDU_LAKE_DIR": os.environ.get("WUDU_LAKE_DIR", str(p.lake)),
        "WUDU_SPARK_WAREHOUSE": os.environ.get("WUDU_SPARK_WAREHOUSE", str(p.spark_dir / "warehouse")),
        "WUDU_SPARK_METASTORE_URL": os.environ.get(
            "WUDU_SPARK_METASTORE_URL", f"jdbc:derby:;databaseName={p.spark_dir / 'metastore_db'};create=true"),
        "WUDU_SPARK_LOCAL_DIR": os.environ.get("WUDU_SPARK_LOCAL_DIR", str(p.spark_dir / "tmp")),
    }


def data_dir() -> Path:
    return Path(os.environ.get("WUDU_DATA_DIR", "./data")).resolve()


def paths(root: str | Path | None = None) -> Paths:
    return Paths(Path(root).resolve() if root else data_dir())


def default_dagster_home(root: str | Path | None = None) -> Path:
    """The Dagster instance of a data directory when DAGSTER_HOME is not set: it follows the data,
    not the current directory, so every command on one data directory shares one run history."""
    return paths(root).data_dir / ".dagster_home"


def is_demo_data_dir(root: str | Path | None = None) -> bool:
    return (paths(root).data_dir / DEMO_MARKER).is_file()


def mark_demo_data_dir(root: str | Path) -> None:
    marker = Path(root) / DEMO_MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("written by the wudu demo generator: WUDU_DEMO=1 may use the public demo key here\n")


class MissingPiiKeyError(RuntimeError):
    """Real data and no key: nothing may be landed (the demo key is public)."""


def duckdb_memory_limit() -> str:
    """The memory cap of every DuckDB connection wudu writes with (loader, dbt profile, publish):
    beyond it DuckDB spills work to disk, so a city day stays within a small machine."""
    return os.environ.get("WUDU_DUCKDB_MEMORY_LIMIT", "1GB")


def pii_key(root: str | Path | None = None) -> bytes:
    """The pseudonymisation key. Outside the demo data directory a missing key is an error, never a default."""
    key = os.environ.get("WUDU_PII_KEY")
    if key:
        return key.encode()
    demo = os.environ.get("WUDU_DEMO") == "1"
    if demo and is_demo_data_dir(root):
        return DEMO_PII_KEY.encode()
    where = paths(root).data_dir
    why = (f"WUDU_DEMO=1 is ignored because {where} is not a demo data directory (no {DEMO_MARKER} marker; "
           "only `wudu demo-data` writes one)" if demo else f"the data directory is {where}")
    raise MissingPiiKeyError(
        "未设置 WUDU_PII_KEY，个人信息无法假名化 · WUDU_PII_KEY is not set: personal data cannot be pseudonymised "
        f"({why}). Set WUDU_PII_KEY to the centre's secret key."
    )
