"""GX's SQL datasource on the loader's own DuckDB connection, so the suites run as SQL where the
typed batch already is (a TEMP table, visible only on that connection) instead of a pandas copy.

GX 1.x runs its SQL through SQLAlchemy (duckdb-engine). Two things kept that from working on
DuckDB (GX issue 11579): GX returns a query's cursor after closing its SQLAlchemy connection, and
closing a pooled connection rolls it back, which on DuckDB discards the pending result (every
expectation came back without counts); and a TEMP table lives on one connection only. Both are
met with GX's supported knob, `add_sql(..., kwargs=...)` = SQLAlchemy `create_engine` arguments:
a `creator` handing GX the loader's connection, a `StaticPool` keeping that one connection, and a
wrapper that makes close/begin/commit/rollback no-ops — GX only reads, never ends the loader's
connection or its transaction, and a result survives until GX has fetched it. No GX internals
are patched. (With duckdb-engine's own wrapper under the same pool, the check-in rollback still
discards the results: every count comes back empty.) GX validates between the loader's
transactions: its column reflection query fails on DuckDB 2 (GX then falls back to `SELECT *`),
and a failed statement would abort an open transaction."""
from __future__ import annotations

import duckdb
import sqlalchemy as sa
from duckdb_engine import ConnectionWrapper

# The URL only picks duckdb-engine's dialect: every connection comes from the creator.
DIALECT_URL = "duckdb:///:memory:"


class BorrowedConnection(ConnectionWrapper):
    """The loader's DuckDB connection as GX's DB-API connection: queries go through, ending it
    (close) or its transaction (begin/commit/rollback, as SQLAlchemy's pool does on every
    check-in) does nothing — the loader owns both."""

    def close(self) -> None:
        pass

    def begin(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


def engine_kwargs(con: duckdb.DuckDBPyConnection) -> dict:
    """`create_engine` arguments that make every SQLAlchemy connection GX opens this one `con`."""
    borrowed = BorrowedConnection(con)
    return {"creator": lambda: borrowed, "poolclass": sa.pool.StaticPool}


def add_duckdb_datasource(ctx, name: str, con: duckdb.DuckDBPyConnection):
    """A GX SQL datasource named `name` whose queries run on `con` (its TEMP tables included)."""
    return ctx.data_sources.add_or_update_sql(name, connection_string=DIALECT_URL, kwargs=engine_kwargs(con))
