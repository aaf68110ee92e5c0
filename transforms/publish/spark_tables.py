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
from transforms.publish.ledger import LEDGER


@dataclass
class ImportReport:
    tables: dict[str, int]  # schema.table -> rows
    seconds: float


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def spark_table_dirs(warehouse: Path, schema: str, empty: bool = False) -> dict[str, Path]:
    """The tables of one Spark database that hold data files (views have none); with `empty`, the
    table folders without any (a partitioned table with no rows has no file to read a schema from)."""
    root = Path(warehouse) / f"{schema}.db"
    if not root.is_dir():
        return {}
    return {d.name: d for d in sorted(root.iterdir())
            if d.is_dir() and not d.name.startswith((".", "_")) and any(d.rglob("*.parquet")) != empty}


def _manifest_columns(manifest: Path | None, schema: str, name: str) -> list[str]:
    """The documented columns of a dbt model (every column is documented: tests/test_dbt_build.py)."""
    if manifest is None or not Path(manifest).exists():
        return []
    import json

    for node in json.loads(Path(manifest).read_text(encoding="utf-8"))["nodes"].values():
        if node.get("resource_type") in ("model", "seed") and node["name"] == name and node["config"].get("schema") == schema:
            return list(node.get("columns", {}))
    return []


def read_parquet_sql(table_dir: Path) -> str:
    return (f"read_parquet({_lit(str(table_dir) + '/**/*.parquet')}, hive_partitioning = true, "
            "union_by_name = true)")


def _select_list(con: duckdb.DuckDBPyConnection, folder: Path) -> str:
    """Spark writes timestamps as instants; its session runs in UTC (profiles.yml), so the instant's
    UTC wall clock is the value dbt computed: published as a plain TIMESTAMP, as on DuckDB."""
    cols = con.execute(f"DESCRIBE SELECT * FROM {read_parquet_sql(folder)}").fetchall()
    return ", ".join(f"timezone('UTC', {_q(c[0])}) AS {_q(c[0])}" if c[1] == "TIMESTAMP WITH TIME ZONE" else _q(c[0])
                     for c in cols)


def import_spark_tables(con: duckdb.DuckDBPyConnection, warehouse: Path,
                        schemas: tuple[str, ...] = tuple(PUBLISHED_SCHEMAS), manifest: Path | None = None) -> ImportReport:
    """Replace the build file's published schemas with the Spark warehouse's tables, in one transaction.
    A table without rows (and so without a file on Spark) is published empty with its documented
    columns as text (the manifest gives names, not types). The build file's dbt publish ledger goes
    with them: the facts it described are replaced without its days (publish/ledger.py), so every
    copy made from this file afterwards — the analysts' file, PostgreSQL — writes every table."""
    started = time.monotonic()
    tables: dict[str, int] = {}
    con.execute("BEGIN")
    try:
        con.execute(f"DROP TABLE IF EXISTS {LEDGER}")
        for schema in schemas:
            found = spark_table_dirs(warehouse, schema)
            if not found:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
            for name, folder in found.items():
                con.execute(f"CREATE OR REPLACE TABLE {_q(schema)}.{_q(name)} AS SELECT {_select_list(con, folder)} "
                            f"FROM {read_parquet_sql(folder)}")
                tables[f"{schema}.{name}"] = con.execute(f"SELECT count(*) FROM {_q(schema)}.{_q(name)}").fetchone()[0]
            for name in spark_table_dirs(warehouse, schema, empty=True):
                cols = _manifest_columns(manifest, schema, name)
                if cols:
                    con.execute(f"CREATE OR REPLACE TABLE {_q(schema)}.{_q(name)} "
                                f"({', '.join(f'{_q(c)} VARCHAR' for c in cols)})")
                    tables[f"{schema}.{name}"] = 0
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return ImportReport(tables, time.monotonic() - started)
