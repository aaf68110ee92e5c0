"""The analysts' DuckDB file: the marts and seeds of the build warehouse, labelled, written in a
storage format DuckDB 1.4+ clients (incl. the `duckdb-cli` from PyPI) open, and swapped in atomically.

Crash safety: a new file is written under a temporary name that carries the writer's pid, fsynced
with its directory, then renamed over the old one. On any failure the temporary file is removed and
the root cause is raised first; a temporary file left by a killed writer (dead pid) is removed by the
next publish. An incremental publish changes only the standby (the file before the current one,
which no reader opens by its name) in one transaction, then renames it over the current file the same
way; an interrupted refresh leaves the standby as it was.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from transforms.publish.labels import PUBLISHED_SCHEMAS, ZH_SCHEMA, load_labels, zh_view_columns, zh_view_name
from transforms.publish.ledger import (LEDGER, LEDGER_COLUMNS, LEDGER_COMMENT, LedgerRow, daily_tables,
                                       read_ledger, read_state, state_statements, window_predicate, windows_since)
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
    mode: str = "full"  # or "incremental": only the daily facts' changed days were replaced
    reason: str = ""  # why a full publish (empty when incremental)
    refreshed: list[tuple[str, str]] = field(default_factory=list)  # day ranges replaced (incremental)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tmp_name(target: Path, pid: int) -> Path:
    return target.with_name(f".{target.name}.{pid}.tmp")


def remove_stale_temp_files(target: Path) -> list[Path]:
    """Temporary files (and their WALs and spill folders, and the link to the file being replaced) of
    publishers that died without cleaning up."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.(tmp(\.wal|\.spill)?|prev)$")
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


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The build file's analyst-facing tables and views (both published as tables)."""
    schemas = ", ".join(_lit(s) for s in PUBLISHED_SCHEMAS)
    return con.execute(
        f"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'build' AND schema_name IN ({schemas}) "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'build' AND NOT internal "
        f"AND schema_name IN ({schemas}) ORDER BY 1, 2").fetchall()


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND "
                       "schema_name = ? AND table_name = ? ORDER BY column_index", [database, schema, table]).fetchall()


def _write(con: duckdb.DuckDBPyConnection, labels: dict, plan: dict[tuple[str, str], str | None],
           daily: dict[tuple[str, str], str], state: dict) -> PublishReport:
    """Inside `pub`, in the open transaction: every planned relation written — a predicate replaces only
    those rows of the daily fact (DELETE + INSERT), None rewrites the table from the build file —, tables
    the build file no longer has dropped, then every comment, the Chinese views and the publish state."""
    tables, views, unlabelled = {}, [], []
    for schema in PUBLISHED_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
    for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'pub' AND schema_name IN "
            f"({', '.join(_lit(s) for s in PUBLISHED_SCHEMAS)})").fetchall():
        if (schema, table) not in plan:
            con.execute(f"DROP TABLE {_q(schema)}.{_q(table)}")
    con.execute(f"DROP SCHEMA IF EXISTS {ZH_SCHEMA} CASCADE")  # the views are re-made below, after any table change
    for (schema, table), predicate in plan.items():
        rel = f"{_q(schema)}.{_q(table)}"
        if predicate is None:
            con.execute(f"CREATE OR REPLACE TABLE {rel} AS SELECT * FROM build.{rel}")
        else:
            con.execute(f"DELETE FROM {rel} WHERE {predicate}")
            con.execute(f"INSERT INTO {rel} BY NAME SELECT * FROM build.{rel} WHERE {predicate}")
        tables[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {rel}").fetchone()[0]
        label = labels.get((schema, table))
        if label and label.description:
            con.execute(f"COMMENT ON TABLE {rel} IS {_lit(label.description)}")
        else:
            unlabelled.append(f"{schema}.{table}")
        columns = [c for c, _ in _columns(con, "pub", schema, table)]
        for col in columns:
            text = label.columns.get(col) if label else None
            if text:
                con.execute(f"COMMENT ON COLUMN {rel}.{_q(col)} IS {_lit(text)}")
            else:
                unlabelled.append(f"{schema}.{table}.{col}")
        if schema == "marts":
            views.append(_zh_view(con, label, table, columns, taken={v.split(".", 1)[1] for v in views}))
    latest = [con.execute(f"SELECT max({_q(daily[k])}) FROM {_q(k[0])}.{_q(k[1])}").fetchone()[0]
              for k in plan if k in daily and daily[k] in {c for c, _ in _columns(con, "pub", *k)}]
    _write_state(con, {**state, "latest_day": max((d for d in latest if d is not None), default=None)})
    _copy_ledger(con)
    return PublishReport(Path(), 0, 0.0, tables, views, unlabelled)


def _copy_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """The build file's dbt ledger up to the run this file includes (its publish state): what the
    PostgreSQL copy reads to find the days it lacks, and for analysts which days each run recomputed."""
    con.execute(f"DROP TABLE IF EXISTS {LEDGER}")
    if read_ledger(con, "build") is None:
        return
    con.execute(f"CREATE TABLE {LEDGER} AS SELECT * FROM build.{LEDGER} ORDER BY window_id")
    con.execute(f"COMMENT ON TABLE {LEDGER} IS {_lit(LEDGER_COMMENT)}")
    for c, text in LEDGER_COLUMNS.items():
        con.execute(f"COMMENT ON COLUMN {LEDGER}.{_q(c)} IS {_lit(text)}")


def _write_state(con: duckdb.DuckDBPyConnection, state: dict) -> None:
    for sql, params in state_statements(state):
        con.execute(sql, params)


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


def _standby_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.standby")


def _attach_build(con: duckdb.DuckDBPyConnection, build: Path) -> None:
    con.execute(f"ATTACH {_lit(str(build))} AS build (READ_ONLY)")


def _attach(con: duckdb.DuckDBPyConnection, build: Path, pub: Path, new: bool) -> None:
    _attach_build(con, build)
    # a new file in the 1.4 format; an existing one keeps the format it was written in
    con.execute(f"ATTACH {_lit(str(pub))} AS pub" + (f" (STORAGE_VERSION {_lit(STORAGE_VERSION)})" if new else ""))
    con.execute("USE pub")  # unqualified names (views, comments) resolve in the analysts' file


def _detach(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("USE memory")
    con.execute("DETACH pub")  # checkpoints: the file holds everything, no WAL is left beside it


def _state(ledger: list[LedgerRow] | None, mode: str, reason: str = "",
           windows: list[tuple[str, str]] | None = None) -> dict:
    last = ledger[-1] if ledger else None
    return {"published_at": datetime.now(timezone.utc).replace(tzinfo=None), "mode": mode, "reason": reason,
            "ledger_window_id": last.window_id if last else None,
            "ledger_invocation_id": last.invocation_id if last else None,
            "refreshed_windows": ", ".join(f"{a}..{b}" for a, b in windows) if windows is not None else None}


def _connect(tmp_base: Path) -> duckdb.DuckDBPyConnection:
    # capped like the loader (a city day's publish held 2 GB uncapped); spills next to the target
    con = duckdb.connect(config={"memory_limit": duckdb_memory_limit(),
                                 "temp_directory": str(tmp_base.with_name(tmp_base.name + ".spill"))})
    con.execute("SET enable_progress_bar = false")  # a backfill's minutes-long copies drew bars into the run's log
    return con


def _write_full(build: Path, tmp: Path, labels: dict, daily: dict, reason: str) -> PublishReport:
    with _connect(tmp) as con:
        _attach(con, build, tmp, new=True)
        ledger = read_ledger(con, "build")
        con.execute("BEGIN")  # one commit for the hundreds of statements below
        report = _write(con, labels, {rel: None for rel in _relations(con)}, daily, _state(ledger, "full", reason))
        con.execute("COMMIT")
        _detach(con)
    report.mode, report.reason = "full", reason
    return report


def _refresh_standby(build: Path, standby: Path, spill: Path, labels: dict, daily: dict) -> PublishReport | str:
    """Bring the standby (an older analysts' file) up to the build file: the daily facts' days noted in
    the ledger since the standby was published are replaced, every other table is rewritten; then the
    per-day row counts of every daily fact must equal the build file's. Returns the report, or why the
    standby cannot be refreshed (nothing in it changed then)."""
    with _connect(spill) as con:
        _attach_build(con, build)  # first: its ledger decides whether the standby is opened at all
        ledger = read_ledger(con, "build")
        if ledger is None:
            return "the build file has no dbt publish ledger yet"
        try:
            con.execute(f"ATTACH {_lit(str(standby))} AS pub")
        except duckdb.IOException as exc:  # e.g. an analyst still has yesterday's file open
            return f"the standby copy cannot be opened for writing ({str(exc).splitlines()[0]})"
        con.execute("USE pub")
        windows, reason = windows_since(ledger, read_state(con, "pub"))
        if windows is None:
            _detach(con)
            return reason
        plan: dict[tuple[str, str], str | None] = {}
        for rel in _relations(con):
            column = daily.get(rel)
            same = column and _columns(con, "build", *rel) == _columns(con, "pub", *rel) and \
                column in {c for c, _ in _columns(con, "build", *rel)}
            plan[rel] = window_predicate(column, windows) if same else None  # a new or changed table: rewritten
        con.execute("BEGIN")
        report = _write(con, labels, plan, daily, _state(ledger, "incremental", windows=windows))
        differ = [f"{s}.{t}" for (s, t), pred in plan.items() if pred is not None
                  and not _same_day_counts(con, s, t, daily[(s, t)])]
        if differ:
            con.execute("ROLLBACK")
            _detach(con)
            return (f"per-day row counts differ from the build file after refreshing {', '.join(differ)} "
                    "(days changed without a ledger entry, e.g. a dbt run on another copy)")
        con.execute("COMMIT")
        _detach(con)
    report.mode, report.refreshed = "incremental", windows
    return report


def _same_day_counts(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    rel, day = f"{_q(schema)}.{_q(table)}", _q(column)
    return con.execute(
        f"WITH b AS (SELECT {day} AS d, count(*) AS n FROM build.{rel} GROUP BY ALL), "
        f"p AS (SELECT {day} AS d, count(*) AS n FROM pub.{rel} GROUP BY ALL) "
        "SELECT count(*) FROM ((FROM b EXCEPT ALL FROM p) UNION ALL (FROM p EXCEPT ALL FROM b))").fetchone()[0] == 0


def _swap(new: Path, target: Path, keep_old_as: Path | None) -> None:
    """Rename `new` over `target` (readers holding the old file keep it); the old file, if kept, becomes
    `keep_old_as` — the standby the next publish refreshes instead of writing every table again."""
    _fsync(new)
    os.chmod(new, 0o444)  # analysts cannot write, whatever client they use
    old = target.with_name(f".{target.name}.{os.getpid()}.prev")
    kept = False
    if keep_old_as is not None and target.exists():
        old.unlink(missing_ok=True)
        with suppress(OSError):  # no hard links here: no standby, the next publish writes every table
            os.link(target, old)
            kept = True
    os.replace(new, target)
    if kept:
        os.replace(old, keep_old_as)
    elif keep_old_as is not None:
        keep_old_as.unlink(missing_ok=True)
    _fsync(target.parent, directory=True)


def publish_duckdb(build: Path, target: Path, manifest: Path | None = None, incremental: bool = True) -> PublishReport:
    """Write the analyst-facing warehouse from the build file to `target`, atomically.

    Incremental (the default): the previous analysts' file is kept beside the target as a hidden standby
    (`.wudu.duckdb.standby`); the next publish refreshes it (see _refresh_standby) and swaps it in, so
    its cost follows the days changed and the size of the non-daily marts, not the days held. It
    writes every table instead — and says why in the report and in `wudu_meta.publish_state` — when
    there is no standby, it is open elsewhere, it predates the ledger, the build file was rebuilt, or the
    refreshed counts do not match. The two files take twice the disk space of one."""
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(target)
    labels, daily = load_labels(manifest), daily_tables(manifest)
    standby = _standby_name(target)
    tmp = _tmp_name(target, os.getpid())
    wal = tmp.with_name(tmp.name + ".wal")
    report: PublishReport | str = "a full publish was asked for"
    if not incremental:  # the build's facts may have changed without a ledger entry (the Spark import)
        standby.unlink(missing_ok=True)
    elif target.exists() and standby.exists():
        # the standby's data and its publish state commit together: without its WAL (left by a refresh
        # that died) it is the consistent file it was at its last checkpoint
        standby_wal = standby.with_name(standby.name + ".wal")
        standby_wal.unlink(missing_ok=True)
        with suppress(OSError):
            os.chmod(standby, 0o644)
        try:
            report = _refresh_standby(build, standby, tmp, labels, daily)
        except duckdb.Error as exc:  # rolled back: write every table instead
            report = f"refreshing the standby copy failed: {str(exc).strip().splitlines()[0]}"
            standby_wal.unlink(missing_ok=True)
    else:
        report = "no previous analysts' file to refresh" if not target.exists() else "no standby copy yet"
    try:
        if isinstance(report, PublishReport):
            _swap(standby, target, keep_old_as=standby)
        else:
            for leftover in (tmp, wal):
                leftover.unlink(missing_ok=True)
            report = _write_full(build, tmp, labels, daily, reason=report)
            _swap(tmp, target, keep_old_as=standby if incremental else None)
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
