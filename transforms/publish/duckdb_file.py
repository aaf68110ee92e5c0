"""The analysts' DuckDB file: the marts and seeds of the build warehouse, labelled, written in a
storage format DuckDB 1.4+ clients (incl. the `duckdb-cli` from PyPI) open, and swapped in atomically.

Crash safety: the new file is written under a temporary name that carries the writer's pid, fsynced
with its directory, then renamed over the old one. On any failure the temporary file is removed and
the root cause is raised first; a temporary file left by a killed writer (dead pid) is removed by the
next publish.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms.publish.labels import PUBLISHED_SCHEMAS, ZH_SCHEMA, load_labels, zh_view_columns, zh_view_name
from transforms.processes import pid_alive
from transforms.settings import duckdb_memory_limit

# Written by DuckDB 2.x in the 1.4 storage format: readable by DuckDB >= 1.4 (the PyPI CLI 1.5.x,
# DBeaver/JDBC 1.4+, Python/R 1.4+). Raise only when every analyst client can read the newer format.
STORAGE_VERSION = "v1.4.0"


class PublishError(RuntimeError):
    """Publishing failed; the message starts with the root cause (e.g. disk full)."""


@dataclass
class PublishReport:
    path: Path
    bytes: int
    seconds: float
    tables: dict[str, int]  # schema.table -> rows
    views: list[str]
    unlabelled: list[str] = field(default_factory=list)  # schema.table[.column] without a description


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tmp_name(target: Path, pid: int) -> Path:
    return target.with_name(f".{target.name}.{pid}.tmp")


def remove_stale_temp_files(target: Path) -> list[Path]:
    """Temporary files (and their WALs and spill folders) of publishers that died without cleaning up."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.tmp(\.wal|\.spill)?$")
    removed = []
    if not target.parent.exists():
        return removed
    for entry in target.parent.iterdir():
        m = pattern.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(con: duckdb.DuckDBPyConnection, build: Path, tmp: Path, manifest: Path | None) -> PublishReport:
    labels = load_labels(manifest)
    con.execute(f"ATTACH {_lit(str(build))} AS build (READ_ONLY)")
    con.execute(f"ATTACH {_lit(str(tmp))} AS pub (STORAGE_VERSION {_lit(STORAGE_VERSION)})")
    relations = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'build' AND schema_name IN "
        f"({', '.join(_lit(s) for s in PUBLISHED_SCHEMAS)}) UNION ALL "
        "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'build' AND NOT internal "
        f"AND schema_name IN ({', '.join(_lit(s) for s in PUBLISHED_SCHEMAS)}) ORDER BY 1, 2").fetchall()
    con.execute("USE pub")  # unqualified names below (views, comments) resolve in the new file
    con.execute("BEGIN")  # one commit for the hundreds of statements below
    tables, views, unlabelled = {}, [], []
    for schema in PUBLISHED_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
    for schema, table in relations:
        rel = f"{_q(schema)}.{_q(table)}"
        con.execute(f"CREATE TABLE {rel} AS SELECT * FROM build.{rel}")
        tables[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {rel}").fetchone()[0]
        label = labels.get((schema, table))
        if label and label.description:
            con.execute(f"COMMENT ON TABLE {rel} IS {_lit(label.description)}")
        else:
            unlabelled.append(f"{schema}.{table}")
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'pub' AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index", [schema, table]).fetchall()]
        for col in columns:
            text = label.columns.get(col) if label else None
            if text:
                con.execute(f"COMMENT ON COLUMN {rel}.{_q(col)} IS {_lit(text)}")
            else:
                unlabelled.append(f"{schema}.{table}.{col}")
        if schema == "marts":
            views.append(_zh_view(con, label, table, columns, taken={v.split(".", 1)[1] for v in views}))
    con.execute("COMMIT")
    con.execute("USE memory")
    con.execute("DETACH pub")
    return PublishReport(tmp, 0, 0.0, tables, views, unlabelled)


def _zh_view(con: duckdb.DuckDBPyConnection, label, table: str, columns: list[str], taken: set[str]) -> str:
    """A view of a mart with Chinese column names, for BI tools; it reads the mart, no copy."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ZH_SCHEMA}")
    name = zh_view_name(label, table, taken)
    pairs = zh_view_columns(label, columns)
    cols = ", ".join(f"{_q(c)} AS {_q(zh)}" for c, zh in pairs)
    view = f"{ZH_SCHEMA}.{_q(name)}"
    con.execute(f"CREATE VIEW {view} AS SELECT {cols} FROM marts.{_q(table)}")
    if label and label.description:
        con.execute(f"COMMENT ON VIEW {view} IS {_lit(label.description)}")
    for c, zh in pairs:  # the view's columns carry the mart column's comment too
        if label and label.columns.get(c):
            con.execute(f"COMMENT ON COLUMN {view}.{_q(zh)} IS {_lit(label.columns[c])}")
    return f"{ZH_SCHEMA}.{name}"


def publish_duckdb(build: Path, target: Path, manifest: Path | None = None) -> PublishReport:
    """Write the analyst-facing warehouse from the build file to `target`, atomically."""
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(target)
    tmp = _tmp_name(target, os.getpid())
    wal = tmp.with_name(tmp.name + ".wal")
    for leftover in (tmp, wal):
        leftover.unlink(missing_ok=True)
    try:
        # capped like the loader (a city day's publish held 2 GB uncapped); spills next to the target
        config = {"memory_limit": duckdb_memory_limit(), "temp_directory": str(tmp.with_name(tmp.name + ".spill"))}
        with duckdb.connect(config=config) as con:
            report = _write(con, build, tmp, manifest)
        _fsync(tmp)
        os.chmod(tmp, 0o444)  # analysts cannot write, whatever client they use
        os.replace(tmp, target)
        _fsync(target.parent, directory=True)
    except BaseException as exc:
        for leftover in (tmp, wal):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PublishError(f"{cause} — publishing {target} failed ({type(exc).__name__}); "
                           f"the previous analysts' warehouse is unchanged") from exc
    report.path = target
    report.bytes = target.stat().st_size
    report.seconds = time.monotonic() - started
    return report
