"""Which days of the analysts' file are out of date: the publish ledger and the publish state.

- The **ledger** is written by dbt (macros/publish_ledger.sql) into the build file: one row per dbt
  run or build, noted before any model builds, with the window of days it may change in the daily
  facts (`window_id` grows by one per run; `invocation_id` is dbt's).
- The **publish state** is one row inside every analysts' file (`wudu_meta.publish_state`): when it
  was published and the ledger row it was published after. The analysts' file also carries a copy of
  the ledger up to that row, from which the PostgreSQL copy (postgres.py, its own publish state)
  finds the days it lacks.

An incremental publish starts from an older analysts' file (the standby, see duckdb_file) and
refreshes the days of every ledger row noted after that file's state; the daily facts are the dbt
models materialised incrementally (their window column, `day` unless configured otherwise).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.publish.labels import MANIFEST, PUBLISHED_SCHEMAS

META_SCHEMA = "wudu_meta"
LEDGER = f"{META_SCHEMA}.dbt_windows"  # created by dbt: macros/publish_ledger.sql
STATE = f"{META_SCHEMA}.publish_state"
STATE_COMMENT = "发布信息 · when this analysts' file was published and how: mode full (every table written) or " \
                "incremental (the daily facts' changed days replaced, every other table rewritten)"
STATE_COLUMNS = {  # name -> (type, comment)
    "published_at": ("TIMESTAMP", "发布时间 · when this file was published (UTC)"),
    "mode": ("VARCHAR", "发布方式 · full = every table written; incremental = changed days of the daily facts "
                        "replaced, every other table rewritten"),
    "reason": ("VARCHAR", "全量原因 · why a full publish was needed (empty for incremental)"),
    "ledger_window_id": ("BIGINT", "dbt批次号 · the last dbt run (publish ledger window) this file includes"),
    "ledger_invocation_id": ("VARCHAR", "dbt调用ID · dbt's invocation id of that run"),
    "refreshed_windows": ("VARCHAR", "刷新日期 · the day ranges of the daily facts replaced by this publish "
                                     "(incremental only)"),
    "latest_day": ("DATE", "数据最新日期 · the latest day any daily fact holds"),
}

LEDGER_COMMENT = "dbt批次 · every dbt run of the build and the window of days it may have changed in the daily " \
                 "facts (a full refresh: 1900-01-01..2999-12-31); a publish replaces the days noted since the " \
                 "previous one"
LEDGER_COLUMNS = {  # name -> comment; types are dbt's (macros/publish_ledger.sql)
    "window_id": "dbt批次号 · one per dbt run, growing",
    "invocation_id": "dbt调用ID · dbt's invocation id of the run",
    "min_day": "起始日 · first day the run may have changed",
    "max_day": "截止日 · last day the run may have changed",
    "full_refresh": "全量重建 · the run rebuilt every day (dbt --full-refresh)",
    "noted_at": "记录时间 · when the run started (UTC)",
}


def state_statements(state: dict, type_of=lambda t: t, placeholder: str = "?",
                     comment: str = STATE_COMMENT) -> list[tuple[str, list]]:
    """The statements (SQL, parameters) that write the publish-state table anew with its one row and its
    comments, in the dialect given by `type_of` (DuckDB type -> column type) and the driver's
    placeholder: the analysts' DuckDB file and the PostgreSQL copy each keep one."""
    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def lit(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    return [(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}", []),
            (f"DROP TABLE IF EXISTS {STATE}", []),
            (f"CREATE TABLE {STATE} ({', '.join(f'{q(c)} {type_of(t)}' for c, (t, _) in STATE_COLUMNS.items())})", []),
            (f"INSERT INTO {STATE} VALUES ({', '.join(placeholder for _ in STATE_COLUMNS)})",
             [state.get(c) for c in STATE_COLUMNS]),
            (f"COMMENT ON TABLE {STATE} IS {lit(comment)}", []),
            *[(f"COMMENT ON COLUMN {STATE}.{q(c)} IS {lit(text)}", []) for c, (_, text) in STATE_COLUMNS.items()]]


@dataclass(frozen=True)
class LedgerRow:
    window_id: int
    invocation_id: str
    min_day: str
    max_day: str


def daily_tables(manifest: Path | None = None) -> dict[tuple[str, str], str]:
    """(schema, table) -> window column, for the published dbt models materialised incrementally."""
    path = Path(manifest or MANIFEST)
    nodes = json.loads(path.read_text(encoding="utf-8"))["nodes"]
    out = {}
    for node in nodes.values():
        config = node.get("config") or {}
        if (node.get("resource_type") == "model" and node.get("schema") in PUBLISHED_SCHEMAS
                and config.get("materialized") == "incremental"):
            out[(node["schema"], node.get("alias") or node["name"])] = config.get("window_column") or "day"
    return out


def read_ledger(con: duckdb.DuckDBPyConnection, database: str) -> list[LedgerRow] | None:
    """The build file's ledger, oldest first; None when dbt has never noted a window there."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                         "AND table_name = ?", [database, *LEDGER.split(".")]).fetchone()[0]
    if not exists:
        return None
    return [LedgerRow(i, inv, str(a), str(b)) for i, inv, a, b in con.execute(
        f"SELECT window_id, invocation_id, min_day, max_day FROM {database}.{LEDGER} ORDER BY window_id").fetchall()]


def read_state(con: duckdb.DuckDBPyConnection, database: str) -> tuple[int, str] | None:
    """(ledger window id, invocation id) an analysts' file was published after; None if it has no state."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                         "AND table_name = ?", [database, *STATE.split(".")]).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"SELECT ledger_window_id, ledger_invocation_id FROM {database}.{STATE}").fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None


def windows_since(ledger: list[LedgerRow], state: tuple[int, str] | None,
                  holder: str = "the previous analysts' file") -> tuple[list[tuple[str, str]] | None, str]:
    """The merged day ranges noted after `state` (the publish state of `holder`), or None and why an
    incremental publish cannot be trusted."""
    if state is None:
        return None, f"{holder} has no publish state (written before incremental publishing)"
    by_id = {r.window_id: r for r in ledger}
    if state[0] and by_id.get(state[0], LedgerRow(0, "", "", "")).invocation_id != state[1]:
        return None, (f"the build file's dbt ledger does not hold the run {holder} was published after "
                      "(the build file was rebuilt)")
    ranges = sorted((r.min_day, r.max_day) for r in ledger if r.window_id > state[0])
    merged: list[tuple[str, str]] = []
    for lo, hi in ranges:  # ISO dates compare as text
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged, ""


def window_predicate(column: str, windows: list[tuple[str, str]]) -> str:
    """SQL: the column's day falls in one of the windows (FALSE when there are none)."""
    q = '"' + column.replace('"', '""') + '"'
    parts = [f"{q} BETWEEN DATE '{lo}' AND DATE '{hi}'" for lo, hi in windows]
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"
