"""PostgreSQL as a second publish target, for BI tools that cannot read a DuckDB file (DataEase,
FineBI/帆软, Superset): the analyst-facing schemas of the published DuckDB file — tables, rows,
comments and the Chinese views — copied through SQLAlchemy (psycopg 3, COPY).

Analysts never see a half-written schema. A **full** copy writes everything into staging schemas
(`marts__publishing`, …), then one transaction renames the live schemas away and the staging ones in
(PostgreSQL DDL is transactional), and drops the old ones. An **incremental** copy (the default, as
for the DuckDB file) stages only the tables that are not daily facts; one transaction then replaces
the daily facts' days the dbt ledger noted since PostgreSQL's own publish state (DELETE + COPY, which
do not block readers), checks every daily fact's per-day row counts against the DuckDB file, moves the
staged tables in and re-makes the Chinese views. Its cost follows the days changed, not the days held.
It copies every table instead — and says why — when PostgreSQL has no publish state, the DuckDB file
has no ledger or does not hold the run PostgreSQL was published after, or the counts differ.

A read-only role (`wudu_analyst` by default) gets USAGE and SELECT on the new schemas before they go
live; grant it to analysts' logins (`GRANT wudu_analyst TO alice`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import sqlalchemy as sa

from transforms.publish.labels import PUBLISHED_SCHEMAS, ZH_SCHEMA
from transforms.publish.ledger import (META_SCHEMA, STATE, daily_tables, read_ledger, state_statements,
                                       window_predicate, windows_since)
from transforms.settings import duckdb_memory_limit

STAGING_SUFFIX = "__publishing"
OLD_SUFFIX = "__replaced"
ANALYST_ROLE = "wudu_analyst"
BATCH_ROWS = 50_000


@dataclass
class PostgresReport:
    url: str  # without the password
    seconds: float
    tables: dict[str, int]
    views: list[str]
    mode: str = "full"  # or "incremental": only the daily facts' changed days were replaced
    reason: str = ""  # why a full copy (empty when incremental)
    refreshed: list[tuple[str, str]] = field(default_factory=list)  # day ranges replaced (incremental)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def pg_type(duck_type: str) -> tuple[str, bool]:
    """PostgreSQL type for a DuckDB column type, and whether values go over as JSON text."""
    t = duck_type.upper()
    simple = {"VARCHAR": "text", "BOOLEAN": "boolean", "TINYINT": "smallint", "SMALLINT": "smallint",
              "INTEGER": "integer", "BIGINT": "bigint", "UTINYINT": "smallint", "USMALLINT": "integer",
              "UINTEGER": "bigint", "UBIGINT": "numeric(20,0)", "HUGEINT": "numeric(39,0)", "FLOAT": "real",
              "DOUBLE": "double precision", "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
              "TIMESTAMP WITH TIME ZONE": "timestamptz", "INTERVAL": "interval", "UUID": "uuid", "BLOB": "bytea"}
    if t in simple:
        return simple[t], False
    if t.startswith("DECIMAL"):
        return t.replace("DECIMAL", "numeric").lower(), False
    if t.startswith("TIMESTAMP"):
        return "timestamp", False
    return "jsonb", True  # LIST, STRUCT, MAP, …


def _columns(duck: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str, str | None]]:
    return duck.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? "
                        "AND table_name = ? ORDER BY column_index", [schema, table]).fetchall()


def _ddl(cols: list[tuple[str, str, str | None]]) -> str:
    return ", ".join(f"{_q(c)} {pg_type(t)[0]}" for c, t, _ in cols)


def _copy_rows(duck: duckdb.DuckDBPyConnection, pg, schema: str, table: str, dest: str,
               cols: list[tuple[str, str, str | None]], where: str = "TRUE") -> int:
    """COPY the rows of the DuckDB table that match `where` into `dest` (quoted schema.table)."""
    select = ", ".join(f"to_json({_q(c)})::VARCHAR" if pg_type(t)[1] else _q(c) for c, t, _ in cols)
    rows = 0
    reader = duck.execute(f"SELECT {select} FROM {_q(schema)}.{_q(table)} WHERE {where}")
    with pg.cursor().copy(f"COPY {dest} ({', '.join(_q(c) for c, _, _ in cols)}) FROM STDIN") as copy:
        while batch := reader.fetchmany(BATCH_ROWS):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
    return rows


def _comment(duck: duckdb.DuckDBPyConnection, pg, schema: str, table: str, dest: str,
             cols: list[tuple[str, str, str | None]]) -> None:
    cur = pg.cursor()
    comment = duck.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                           [schema, table]).fetchone()[0]
    cur.execute(f"COMMENT ON TABLE {dest} IS {_lit(comment) if comment else 'NULL'}")
    for c, _, text in cols:
        cur.execute(f"COMMENT ON COLUMN {dest}.{_q(c)} IS {_lit(text) if text else 'NULL'}")


def _copy_table(duck: duckdb.DuckDBPyConnection, pg, schema: str, stage: str, table: str) -> int:
    cols = _columns(duck, schema, table)
    dest = f"{_q(stage)}.{_q(table)}"
    pg.cursor().execute(f"CREATE TABLE {dest} ({_ddl(cols)})")
    rows = _copy_rows(duck, pg, schema, table, dest, cols)
    _comment(duck, pg, schema, table, dest, cols)
    return rows


def _copy_views(duck: duckdb.DuckDBPyConnection, pg, into: str, marts: str) -> list[str]:
    """The Chinese views, created in schema `into`: same names and columns as in the DuckDB file,
    reading the marts in schema `marts` (the staged one in a full copy: renamed with it, PostgreSQL
    keeps OIDs)."""
    cur = pg.cursor()
    out = []
    for view, comment in duck.execute("SELECT view_name, comment FROM duckdb_views() WHERE schema_name = ? "
                                      "ORDER BY 1", [ZH_SCHEMA]).fetchall():
        sql = duck.execute("SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                           [ZH_SCHEMA, view]).fetchone()[0]
        body = sql[sql.upper().index(" AS SELECT ") + 4:].rstrip().rstrip(";")
        body = body.replace("FROM marts.", f"FROM {_q(marts)}.")
        cur.execute(f"CREATE VIEW {_q(into)}.{_q(view)} AS {body}")
        if comment:
            cur.execute(f"COMMENT ON VIEW {_q(into)}.{_q(view)} IS {_lit(comment)}")
        for col, text in duck.execute("SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? "
                                      "AND table_name = ? AND comment IS NOT NULL", [ZH_SCHEMA, view]).fetchall():
            cur.execute(f"COMMENT ON COLUMN {_q(into)}.{_q(view)}.{_q(col)} IS {_lit(text)}")
        out.append(f"{ZH_SCHEMA}.{view}")
    return out


def _live_columns(cur, schema: str, table: str) -> list[tuple[str, str]]:
    """A PostgreSQL table's columns and types as PostgreSQL names them (none if it does not exist)."""
    cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = "
                "to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                [f"{_q(schema)}.{_q(table)}"])
    return [tuple(r) for r in cur.fetchall()]


def _same_table(cur, schema: str, table: str, cols: list[tuple[str, str, str | None]]) -> bool:
    """Whether the live table has exactly the columns and types a copy of the DuckDB table would get."""
    live = _live_columns(cur, schema, table)
    if not live:
        return False
    cur.execute(f"CREATE TEMP TABLE _wudu_columns ({_ddl(cols)})")  # PostgreSQL names the types its own way
    wanted = _live_columns(cur, "pg_temp", "_wudu_columns")
    cur.execute("DROP TABLE _wudu_columns")
    return live == wanted


def _pg_state(cur) -> tuple[int, str] | None:
    """(ledger window id, invocation id) the live PostgreSQL copy was published after, if known."""
    cur.execute("SELECT to_regclass(%s)", [STATE])
    if cur.fetchone()[0] is None:
        return None
    cur.execute(f"SELECT ledger_window_id, ledger_invocation_id FROM {STATE}")
    row = cur.fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None


def _write_state(cur, state: dict, analyst_role: str) -> None:
    """PostgreSQL's own publish state, readable by analysts (in the swap's transaction)."""
    for sql, params in state_statements(state, lambda t: pg_type(t)[0], "%s", STATE_COMMENT_PG):
        cur.execute(sql, params)
    cur.execute(f"COMMENT ON SCHEMA {META_SCHEMA} IS {_lit(_SCHEMA_COMMENTS[META_SCHEMA])}")
    cur.execute(f"GRANT USAGE ON SCHEMA {META_SCHEMA} TO {_q(analyst_role)}")
    cur.execute(f"GRANT SELECT ON {STATE} TO {_q(analyst_role)}")


@dataclass
class _Plan:
    tables: dict[tuple[str, str], str | None]  # -> predicate of the days refreshed in place, or None: copied whole
    windows: list[tuple[str, str]] | None  # None: a full copy
    reason: str  # why a full copy
    ledger_last: tuple[int, str] | None  # the DuckDB file's last ledger row (window id, invocation id)
    latest_day: object  # the DuckDB file's latest day of any daily fact


def _plan(duck: duckdb.DuckDBPyConnection, cur, daily: dict[tuple[str, str], str], incremental: bool) -> _Plan:
    database = duck.execute("SELECT current_database()").fetchone()[0]
    rels = [(s, t) for s in PUBLISHED_SCHEMAS for (t,) in duck.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY 1", [s]).fetchall()]
    ledger = read_ledger(duck, database)
    has_state = duck.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                             STATE.split(".")).fetchone()[0]
    latest = duck.execute(f"SELECT max(latest_day) FROM {STATE}").fetchone()[0] if has_state else None
    last = (ledger[-1].window_id, ledger[-1].invocation_id) if ledger else None
    if not incremental:
        windows, reason = None, "a full copy was asked for"
    elif ledger is None:
        windows, reason = None, ("the DuckDB file holds no dbt publish ledger (published before incremental "
                                 "publishing, or from Spark's tables)")
    elif not _schema_exists(cur, "marts"):
        windows, reason = None, "no previous PostgreSQL copy to refresh"
    else:
        windows, reason = windows_since(ledger, _pg_state(cur), holder="the PostgreSQL copy")
    tables: dict[tuple[str, str], str | None] = {}
    for rel in rels:
        column = daily.get(rel)
        cols = _columns(duck, *rel)
        keep = windows is not None and column in {c for c, _, _ in cols} and _same_table(cur, *rel, cols)
        predicate = window_predicate(column, windows) if keep else None
        if predicate is not None:  # when the window covers every day held, copying whole is cheaper
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM {_q(rel[0])}.{_q(rel[1])} WHERE NOT coalesce({predicate}, false))")
            predicate = predicate if cur.fetchone()[0] else None
        tables[rel] = predicate  # None: a new, changed or wholly refreshed table, copied whole
    return _Plan(tables, windows, reason, last, latest)


class _CountsDiffer(Exception):
    pass


def _refresh_in_place(duck: duckdb.DuckDBPyConnection, pg, plan: _Plan, daily: dict[tuple[str, str], str],
                      schemas: list[str], analyst_role: str, state: dict) -> tuple[dict[str, int], list[str]]:
    """One transaction: the daily facts' noted days replaced in the live tables (DELETE + COPY take
    no lock readers wait for), their per-day counts checked against the DuckDB file, the staged tables
    moved in (DROP + SET SCHEMA, locked only until the commit), the Chinese views re-made."""
    tables: dict[str, int] = {}
    with pg.transaction():
        cur = pg.cursor()
        differ = []
        for (schema, table), predicate in plan.tables.items():
            if predicate is None:
                continue
            live, cols, day = f"{_q(schema)}.{_q(table)}", _columns(duck, schema, table), _q(daily[(schema, table)])
            cur.execute(f"DELETE FROM {live} WHERE {predicate}")
            _copy_rows(duck, pg, schema, table, live, cols, where=predicate)
            _comment(duck, pg, schema, table, live, cols)
            cur.execute(f"SELECT {day}, count(*) FROM {live} GROUP BY 1")
            held = dict(cur.fetchall())
            if held != dict(duck.execute(f"SELECT {day}, count(*) FROM {live} GROUP BY ALL").fetchall()):
                differ.append(f"{schema}.{table}")
            tables[f"{schema}.{table}"] = sum(held.values())
        if differ:  # rolls the transaction back
            raise _CountsDiffer(f"per-day row counts differ from the DuckDB file after refreshing {', '.join(differ)} "
                                "(days changed without a ledger entry)")
        for schema in PUBLISHED_SCHEMAS:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
            for (table,) in cur.fetchall():
                if plan.tables.get((schema, table)) is None:
                    cur.execute(f"DROP TABLE {_q(schema)}.{_q(table)} CASCADE")  # replaced below, or gone
            for (s, table), predicate in plan.tables.items():
                if s == schema and predicate is None:
                    cur.execute(f"ALTER TABLE {_q(schema + STAGING_SUFFIX)}.{_q(table)} SET SCHEMA {_q(schema)}")
        cur.execute(f"DROP SCHEMA IF EXISTS {_q(ZH_SCHEMA)} CASCADE")
        cur.execute(f"CREATE SCHEMA {_q(ZH_SCHEMA)}")
        views = _copy_views(duck, pg, ZH_SCHEMA, "marts")
        _describe_and_grant(cur, schemas, "", analyst_role)
        _write_state(cur, state, analyst_role)
    return tables, views


def _describe_and_grant(cur, schemas: list[str], suffix: str, analyst_role: str) -> None:
    for s in schemas:
        cur.execute(f"COMMENT ON SCHEMA {_q(s + suffix)} IS {_lit(_SCHEMA_COMMENTS[s])}")
        cur.execute(f"GRANT USAGE ON SCHEMA {_q(s + suffix)} TO {_q(analyst_role)}")
        cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {_q(s + suffix)} TO {_q(analyst_role)}")


def _swap_schemas(duck: duckdb.DuckDBPyConnection, pg, schemas: list[str], analyst_role: str, state: dict) -> list[str]:
    """The full copy's end: views on the staged marts, then one transaction renames the live schemas
    away and the staged ones in — readers see the old schemas or the new ones, never a mix."""
    with pg.transaction():
        views = _copy_views(duck, pg, ZH_SCHEMA + STAGING_SUFFIX, "marts" + STAGING_SUFFIX)
        _describe_and_grant(pg.cursor(), schemas, STAGING_SUFFIX, analyst_role)
    with pg.transaction():
        cur = pg.cursor()
        for s in schemas:
            cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + OLD_SUFFIX)} CASCADE")
            cur.execute(f"ALTER SCHEMA {_q(s)} RENAME TO {_q(s + OLD_SUFFIX)}"
                        if _schema_exists(cur, s) else "SELECT 1")
            cur.execute(f"ALTER SCHEMA {_q(s + STAGING_SUFFIX)} RENAME TO {_q(s)}")
        _write_state(cur, state, analyst_role)
    return views


def publish_postgres(published_db: Path, url: str, analyst_role: str = ANALYST_ROLE, manifest: Path | None = None,
                     incremental: bool = True) -> PostgresReport:
    """Copy the analyst-facing schemas of the published DuckDB file into PostgreSQL at `url`:
    incrementally when PostgreSQL's publish state and the file's dbt ledger allow it (see above)."""
    started = time.monotonic()
    schemas = [*PUBLISHED_SCHEMAS, ZH_SCHEMA]
    daily = daily_tables(manifest)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    tables: dict[str, int] = {}
    try:
        # capped like every DuckDB connection wudu makes: uncapped, DuckDB kept the blocks of a 10-day
        # city file it had read (4.4 GB peak for a full copy)
        with duckdb.connect(str(published_db), read_only=True,
                            config={"memory_limit": duckdb_memory_limit()}) as duck, engine.connect() as conn:
            pg = conn.connection.driver_connection  # psycopg: COPY needs the driver's cursor
            with pg.transaction():
                cur = pg.cursor()
                cur.execute(f"SELECT 1 FROM pg_roles WHERE rolname = {_lit(analyst_role)}")
                if cur.fetchone() is None:
                    cur.execute(f"CREATE ROLE {_q(analyst_role)} NOLOGIN")
                plan = _plan(duck, cur, daily, incremental)
                for s in schemas:
                    cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + STAGING_SUFFIX)} CASCADE")  # a failed earlier try
                    cur.execute(f"CREATE SCHEMA {_q(s + STAGING_SUFFIX)}")

            def stage(whole: bool) -> None:  # whole: the tables copied whole; else the daily facts
                for (schema, table), predicate in plan.tables.items():
                    if (predicate is None) == whole:
                        with pg.transaction():
                            tables[f"{schema}.{table}"] = _copy_table(duck, pg, schema, schema + STAGING_SUFFIX, table)

            def state(mode: str, reason: str = "") -> dict:
                return {"published_at": datetime.now(timezone.utc).replace(tzinfo=None), "mode": mode,
                        "reason": reason, "ledger_window_id": plan.ledger_last and plan.ledger_last[0],
                        "ledger_invocation_id": plan.ledger_last and plan.ledger_last[1],
                        "refreshed_windows": ", ".join(f"{a}..{b}" for a, b in plan.windows)
                        if mode == "incremental" else None, "latest_day": plan.latest_day}

            stage(whole=True)
            mode, reason, views = "full", plan.reason, []
            if plan.windows is not None:
                try:
                    refreshed, views = _refresh_in_place(duck, pg, plan, daily, schemas, analyst_role,
                                                         state("incremental"))
                    tables.update(refreshed)
                    mode = "incremental"
                except _CountsDiffer as exc:  # rolled back: copy every table instead
                    reason = str(exc)
                except Exception as exc:  # noqa: BLE001 — rolled back: copy every table instead
                    reason = f"refreshing in place failed: {str(exc).strip().splitlines()[0]}"
            if mode == "full":
                stage(whole=False)
                views = _swap_schemas(duck, pg, schemas, analyst_role, state("full", reason))
            with pg.transaction():
                cur = pg.cursor()
                for s in schemas:
                    cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + OLD_SUFFIX)} CASCADE")
                    cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + STAGING_SUFFIX)} CASCADE")  # empty after a refresh
    except Exception:
        _drop_staging(engine, schemas)  # the live schemas are untouched; leave nothing half-written behind
        raise
    finally:
        engine.dispose()
    return PostgresReport(engine.url.render_as_string(hide_password=True), time.monotonic() - started,
                          dict(sorted(tables.items())), views, mode, reason,
                          list(plan.windows) if mode == "incremental" else [])


def _drop_staging(engine: sa.Engine, schemas: list[str]) -> None:
    try:
        with engine.begin() as conn:
            for s in schemas:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_q(s + STAGING_SUFFIX)} CASCADE")
    except Exception:  # noqa: BLE001 — the original error is the one to report
        pass


def _schema_exists(cur, schema: str) -> bool:
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
    return cur.fetchone() is not None


_SCHEMA_COMMENTS = {
    "marts": "分析集市 · wudu analyst marts (read-only, replaced by each publish)",
    "seeds": "参考数据 · labels, bands, weights and targets needed to read the marts",
    ZH_SCHEMA: "中文视图 · the marts with Chinese column names, for BI tools",
    META_SCHEMA: "发布信息 · when and how this PostgreSQL copy was last published",
}
STATE_COMMENT_PG = ("发布信息 · when this PostgreSQL copy was published and how: mode full (every table copied) or "
                    "incremental (the daily facts' changed days replaced, every other table copied)")
