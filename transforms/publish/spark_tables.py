"""Spark → DuckDB: on the Spark engine, the tables dbt built live as Parquet under Spark's warehouse
(<warehouse>/<schema>.db/<table>/, partition folders included). Before publishing, the published
schemas (marts, seeds) are copied from there into the build file, so the analysts' DuckDB file, the
reports and the PostgreSQL copy are made exactly as on the DuckDB engine (docs/decisions.md#spark).
Only a warehouse on a path this machine can read is imported (a local or mounted path)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.publish.labels import PUBLISHED_SCHEMAS


@dataclass
class ImportReport:
    tables: dict[str, int]  # schema.table -> rows
    seconds: float


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def spark_table_dirs(warehouse: Path, schema: str) -> dict[str, Path]:
    """The tables of one Spark database that hold data files (views have none)."""
    root = Path(warehouse) / f"{schema}.db"
    if not root.is_dir():
        return {}
    return {d.name: d for d in sorted(root.iterdir())
            if d.is_dir() and not d.name.startswith((".", "_")) and any(d.rglob("*.parquet"))}


def read_parquet_sql(table_dir: Path) -> str:
    return (f"read_parquet({_lit(str(table_dir) + '/**/*.parquet')}, hive_partitioning = true, "
            "union_by_name = true)")


def import_spark_tables(con: duckdb.DuckDBPyConnection, warehouse: Path,
                        schemas: tuple[str, ...] = tuple(PUBLISHED_SCHEMAS)) -> ImportReport:
    """Replace the build file's published schemas with the Spark warehouse's tables, in one transaction."""
    started = time.monotonic()
    tables: dict[str, int] = {}
    con.execute("BEGIN")
    try:
        for schema in schemas:
            found = spark_table_dirs(warehouse, schema)
            if not found:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
            for name, folder in found.items():
                con.execute(f"CREATE OR REPLACE TABLE {_q(schema)}.{_q(name)} AS SELECT * FROM {read_parquet_sql(folder)}")
                tables[f"{schema}.{name}"] = con.execute(f"SELECT count(*) FROM {_q(schema)}.{_q(name)}").fetchone()[0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return ImportReport(tables, time.monotonic() - started)
