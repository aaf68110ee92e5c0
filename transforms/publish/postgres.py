"""PostgreSQL as a second publish target, for BI tools that cannot read a DuckDB file (DataEase,
FineBI/帆软, Superset): the analyst-facing schemas of the published DuckDB file — tables, rows,
comments and the Chinese views — copied through SQLAlchemy (psycopg 3, COPY).

Analysts never see a half-written schema: everything is written into staging schemas
(`marts__publishing`, …), then one transaction renames the live schemas away and the staging ones in
(PostgreSQL DDL is transactional), and drops the old ones. A read-only role (`wudu_analyst` by
default) gets USAGE and SELECT on the new schemas before they go live; grant it to analysts' logins
(`GRANT wudu_analyst TO alice`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlalchemy as sa

from transforms.publish.labels import PUBLISHED_SCHEMAS, ZH_SCHEMA

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


def _copy_table(duck: duckdb.DuckDBPyConnection, pg, schema: str, stage: str, table: str) -> int:
    cols = duck.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? "
                        "AND table_name = ? ORDER BY column_index", [schema, table]).fetchall()
    types = [pg_type(t) for _, t, _ in cols]
    ddl = ", ".join(f"{_q(c)} {pt}" for (c, _, _), (pt, _) in zip(cols, types))
    cur = pg.cursor()
    cur.execute(f"CREATE TABLE {_q(stage)}.{_q(table)} ({ddl})")
    select = ", ".join(f"to_json({_q(c)})::VARCHAR" if js else _q(c) for (c, _, _), (_, js) in zip(cols, types))
    rows = 0
    reader = duck.execute(f"SELECT {select} FROM {_q(schema)}.{_q(table)}")
    with cur.copy(f"COPY {_q(stage)}.{_q(table)} FROM STDIN") as copy:
        while batch := reader.fetchmany(BATCH_ROWS):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
    comment = duck.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                           [schema, table]).fetchone()[0]
    if comment:
        cur.execute(f"COMMENT ON TABLE {_q(stage)}.{_q(table)} IS {_lit(comment)}")
    for c, _, text in cols:
        if text:
            cur.execute(f"COMMENT ON COLUMN {_q(stage)}.{_q(table)}.{_q(c)} IS {_lit(text)}")
    return rows


def _copy_views(duck: duckdb.DuckDBPyConnection, pg) -> list[str]:
    """The Chinese views: same names and columns as in the DuckDB file, reading the staged marts."""
    cur = pg.cursor()
    out = []
    for view, comment in duck.execute("SELECT view_name, comment FROM duckdb_views() WHERE schema_name = ? "
                                      "ORDER BY 1", [ZH_SCHEMA]).fetchall():
        sql = duck.execute("SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                           [ZH_SCHEMA, view]).fetchone()[0]
        body = sql[sql.upper().index(" AS SELECT ") + 4:].rstrip().rstrip(";")
        # the view reads `marts.<table>`: point it at the staged schema (renamed with it, PostgreSQL keeps OIDs)
        body = body.replace("FROM marts.", f"FROM {_q('marts' + STAGING_SUFFIX)}.")
        cur.execute(f"CREATE VIEW {_q(ZH_SCHEMA + STAGING_SUFFIX)}.{_q(view)} AS {body}")
        if comment:
            cur.execute(f"COMMENT ON VIEW {_q(ZH_SCHEMA + STAGING_SUFFIX)}.{_q(view)} IS {_lit(comment)}")
        for col, text in duck.execute("SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? "
                                      "AND table_name = ? AND comment IS NOT NULL", [ZH_SCHEMA, view]).fetchall():
            cur.execute(f"COMMENT ON COLUMN {_q(ZH_SCHEMA + STAGING_SUFFIX)}.{_q(view)}.{_q(col)} IS {_lit(text)}")
        out.append(f"{ZH_SCHEMA}.{view}")
    return out


def publish_postgres(published_db: Path, url: str, analyst_role: str = ANALYST_ROLE) -> PostgresReport:
    """Copy the analyst-facing schemas of the published DuckDB file into PostgreSQL at `url`."""
    started = time.monotonic()
    schemas = [*PUBLISHED_SCHEMAS, ZH_SCHEMA]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    tables = {}
    try:
        with duckdb.connect(str(published_db), read_only=True) as duck, engine.connect() as conn:
            pg = conn.connection.driver_connection  # psycopg: COPY needs the driver's cursor
            with pg.transaction():
                cur = pg.cursor()
                cur.execute(f"SELECT 1 FROM pg_roles WHERE rolname = {_lit(analyst_role)}")
                if cur.fetchone() is None:
                    cur.execute(f"CREATE ROLE {_q(analyst_role)} NOLOGIN")
                for s in schemas:
                    cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + STAGING_SUFFIX)} CASCADE")  # a failed earlier try
                    cur.execute(f"CREATE SCHEMA {_q(s + STAGING_SUFFIX)}")
            for schema in PUBLISHED_SCHEMAS:
                for (table,) in duck.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ? "
                                             "ORDER BY 1", [schema]).fetchall():
                    with pg.transaction():
                        tables[f"{schema}.{table}"] = _copy_table(duck, pg, schema, schema + STAGING_SUFFIX, table)
            with pg.transaction():
                views = _copy_views(duck, pg)
                cur = pg.cursor()
                for s in schemas:
                    staged = _q(s + STAGING_SUFFIX)
                    cur.execute(f"COMMENT ON SCHEMA {staged} IS {_lit(_SCHEMA_COMMENTS[s])}")
                    cur.execute(f"GRANT USAGE ON SCHEMA {staged} TO {_q(analyst_role)}")
                    cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {staged} TO {_q(analyst_role)}")
            with pg.transaction():  # the swap: readers see the old schemas or the new ones, never a mix
                cur = pg.cursor()
                for s in schemas:
                    cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + OLD_SUFFIX)} CASCADE")
                    cur.execute(f"ALTER SCHEMA {_q(s)} RENAME TO {_q(s + OLD_SUFFIX)}"
                                if _schema_exists(cur, s) else "SELECT 1")
                    cur.execute(f"ALTER SCHEMA {_q(s + STAGING_SUFFIX)} RENAME TO {_q(s)}")
            with pg.transaction():
                cur = pg.cursor()
                for s in schemas:
                    cur.execute(f"DROP SCHEMA IF EXISTS {_q(s + OLD_SUFFIX)} CASCADE")
    except Exception:
        _drop_staging(engine, schemas)  # the live schemas are untouched; leave nothing half-written behind
        raise
    finally:
        engine.dispose()
    return PostgresReport(engine.url.render_as_string(hide_password=True), time.monotonic() - started, tables, views)


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
}
