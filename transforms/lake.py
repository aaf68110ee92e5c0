"""The Parquet lake the Spark engine reads (WUDU_ENGINE=spark; docs/decisions.md#spark).

Landing stays one path for both engines: the loader (DuckDB as the local parser and rule engine)
lands a source-day into the build file as always; then `sink_source_day` copies what that day now
holds — the typed rows of every table of the source, its quarantine rows and its manifest rows —
into the lake, one Hive-style partition per landing day:

    <lake>/raw/<source>__<table>/load_date=YYYY-MM-DD/part-0.parquet     (one file per partition)
    <lake>/raw/quarantine/load_date=YYYY-MM-DD/<source>.parquet          (one file per source)
    <lake>/raw/file_manifest/load_date=YYYY-MM-DD/<source>.parquet

Spark reads each folder as one table (partition column `load_date`). Re-running a day replaces
exactly that partition (or that source's file in the shared ones): the new copy is written beside
the old one and renamed over it, so a reader sees the old day or the new day, never half of one.
A day with no rows is still written (a file with the schema and no rows): the table exists in Spark
from the first run on, and an emptied day is emptied in the lake too."""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.contracts import Source

PARTITION = "load_date"
SHARED_TABLES = ("quarantine", "file_manifest")  # one per warehouse, partitioned by day, a file per source


@dataclass
class SinkReport:
    source: str
    day: str
    tables: dict[str, int]  # lake table -> rows written for the day


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
                            "AND NOT temporary", [schema, table]).fetchone()[0])


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> int:
    """Write the query's rows to a fresh Parquet file at `target` (its folder must exist)."""
    con.execute(f"COPY ({query}) TO {_lit(target)} (FORMAT parquet, COMPRESSION zstd)")
    return con.execute(f"SELECT count(*) FROM read_parquet({_lit(target)})").fetchone()[0]


def _replace_dir(staged: Path, final: Path) -> None:
    """Swap a staged partition folder in: rename the old one aside, the new one in, drop the old."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.rename(final, old)
    os.rename(staged, final)
    shutil.rmtree(old, ignore_errors=True)


def sink_source_day(con: duckdb.DuckDBPyConnection, lake: Path, source: Source, day: str) -> SinkReport:
    """Copy one landed source-day from the build file into the lake (see the module docstring)."""
    lake = Path(lake)
    written: dict[str, int] = {}
    for t in source.tables.values():
        schema, name = t.raw_table.split(".", 1)
        if not _exists(con, schema, name):
            continue
        final = lake / schema / name / f"{PARTITION}={day}"
        staged = final.with_name(f".{final.name}.new-{uuid.uuid4().hex[:8]}")
        staged.mkdir(parents=True)
        try:
            written[name] = _copy(con, f"SELECT * FROM {t.raw_table} WHERE _partition_day = DATE {_lit(day)}",
                                  staged / "part-0.parquet")
            _replace_dir(staged, final)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    for name in SHARED_TABLES:
        if not _exists(con, "raw", name):
            continue
        folder = lake / "raw" / name / f"{PARTITION}={day}"
        folder.mkdir(parents=True, exist_ok=True)
        staged = folder / f".{source.name}.parquet.new-{uuid.uuid4().hex[:8]}"
        try:
            written[name] = _copy(con, f"SELECT * FROM raw.{name} WHERE source = {_lit(source.name)} "
                                       f"AND partition_day = DATE {_lit(day)}", staged)
            os.replace(staged, folder / f"{source.name}.parquet")  # atomic on one file system
        finally:
            staged.unlink(missing_ok=True)
    return SinkReport(source.name, day, written)


def lake_tables(lake: Path) -> list[str]:
    """The lake's tables as `schema.table` (folders holding at least one partition)."""
    lake = Path(lake)
    if not lake.is_dir():
        return []
    return sorted(f"{s.name}.{t.name}" for s in lake.iterdir() if s.is_dir() and not s.name.startswith(".")
                  for t in s.iterdir() if t.is_dir() and any(p.name.startswith(f"{PARTITION}=") for p in t.iterdir()))
