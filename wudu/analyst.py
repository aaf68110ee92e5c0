"""Analyst access to the published warehouse: read-only, locked down, never the build file Dagster writes.

    from wudu.analyst import connect, engine, query
    df = query("SELECT * FROM marts.fct_teacher_five_degree_term")      # pandas
    pd.read_sql("SELECT ...", engine())                                  # SQLAlchemy / BI tools
    with connect() as con: con.sql("...").df()                           # DuckDB

Any mix of the three works in one process: they all open the file with the same configuration
(DuckDB refuses a second connection to a file with a different one). The configuration forbids
files, network and other databases (`enable_external_access = false`) and cannot be changed by a
query (`lock_configuration = true`): an analyst's SQL reads the warehouse and nothing else.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from transforms.settings import paths

LOCKED_DOWN = {
    "access_mode": "read_only",
    "enable_external_access": False,  # no COPY TO, read_csv('/etc/…'), ATTACH, httpfs, extension installs
    "lock_configuration": True,       # ... and no `SET enable_external_access = true` to undo it
}


def _user_agent() -> str:
    """duckdb-engine adds this user agent to its connections' configuration; DuckDB compares the whole
    configuration when a file is opened twice in one process, so `connect()` sends the same one."""
    import duckdb_engine

    return f"duckdb_engine/{duckdb_engine.__version__}(sqlalchemy/{sa.__version__})"


def published_path(data_dir: str | Path | None = None) -> Path:
    path = paths(data_dir).published_db
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run `make run` (or `wudu run`) first")
    return path


def connect(data_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that can read the published warehouse and nothing else."""
    return duckdb.connect(str(published_path(data_dir)),
                          config={**LOCKED_DOWN, "custom_user_agent": _user_agent()})


def engine(data_dir: str | Path | None = None) -> sa.Engine:
    """A SQLAlchemy engine (duckdb-engine) with the same locked-down read-only configuration, for
    pandas.read_sql. No pool: each use opens the file afresh, so a long session sees each new publish."""
    return sa.create_engine(f"duckdb:///{published_path(data_dir)}", poolclass=NullPool,
                            connect_args={"config": dict(LOCKED_DOWN)})


def query(sql: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    with connect(data_dir) as con:
        return con.execute(sql).df()
