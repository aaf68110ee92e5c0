"""Analyst access to the published warehouse: read-only, never the build file Dagster writes.

    from wudu.analyst import engine, query
    df = query("SELECT * FROM marts.fct_teacher_five_degree_term")      # pandas
    pd.read_sql("SELECT ...", engine())                                  # SQLAlchemy / BI tools
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from transforms.settings import paths


def published_path(data_dir: str | Path | None = None) -> Path:
    path = paths(data_dir).published_db
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run `make run` (or `wudu run`) first")
    return path


def connect(data_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that cannot write."""
    return duckdb.connect(str(published_path(data_dir)), read_only=True)


def engine(data_dir: str | Path | None = None) -> sa.Engine:
    """A SQLAlchemy engine (duckdb-engine) opened read-only, for pandas.read_sql and BI tools."""
    return sa.create_engine(f"duckdb:///{published_path(data_dir)}", connect_args={"read_only": True})


def query(sql: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    with connect(data_dir) as con:
        return con.execute(sql).df()
