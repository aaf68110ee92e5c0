"""A small build warehouse (marts, seeds and the layers that must not be published) for the
publishing tests that need no pipeline run."""
from __future__ import annotations

from pathlib import Path

import duckdb


def small_build(path: Path, marker: int = 1, rows: int = 1000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "staging", "intermediate", "marts", "seeds"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute("CREATE OR REPLACE TABLE raw.file_manifest AS SELECT 'f.csv' AS file")
        con.execute("CREATE OR REPLACE VIEW staging.stg_x AS SELECT 1 AS x")
        con.execute("CREATE OR REPLACE TABLE intermediate.int_x AS SELECT 1 AS x")
        con.execute(f"CREATE OR REPLACE TABLE marts.fct_a AS SELECT i AS id, {marker} AS version, "
                    f"i * 0.5 AS score, DATE '2026-09-07' + (i % 5)::INT AS day FROM range({rows}) t(i)")
        con.execute(f"CREATE OR REPLACE TABLE marts.fct_b AS SELECT {marker} AS version, 'b' AS label")
        con.execute("CREATE OR REPLACE TABLE seeds.five_degree_bands AS SELECT '优秀' AS band, 1 AS band_order, "
                    "85.0 AS min_score")
    return path


def small_manifest(path: Path) -> Path:
    """A dbt manifest for small_build: fct_a is a daily fact (incremental by `day`), the rest tables."""
    import json

    def node(schema: str, name: str, materialized: str) -> dict:
        return {"resource_type": "model", "schema": schema, "name": name, "config": {"materialized": materialized},
                "description": f"小表 · {name}", "columns": {}}

    nodes = {"model.wudu.fct_a": node("marts", "fct_a", "incremental"),
             "model.wudu.fct_b": node("marts", "fct_b", "table")}
    path.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    return path


def note_window(build: Path, min_day: str, max_day: str) -> None:
    """What dbt's on-run-start hook (macros/publish_ledger.sql) notes in the build file for a run."""
    import uuid

    with duckdb.connect(str(build)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS wudu_meta")
        con.execute("CREATE TABLE IF NOT EXISTS wudu_meta.dbt_windows (window_id BIGINT PRIMARY KEY, invocation_id "
                    "VARCHAR NOT NULL, min_day DATE NOT NULL, max_day DATE NOT NULL, full_refresh BOOLEAN NOT NULL, "
                    "noted_at TIMESTAMP NOT NULL)")
        con.execute("INSERT INTO wudu_meta.dbt_windows SELECT coalesce(max(window_id), 0) + 1, ?, ?::DATE, ?::DATE, "
                    "false, now()::TIMESTAMP FROM wudu_meta.dbt_windows", [str(uuid.uuid4()), min_day, max_day])
