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
