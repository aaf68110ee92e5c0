"""Shared set-up for tests that run the whole pipeline in-process on the tiny demo district."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.assets.reports import WITHOUT_REPORTS  # noqa: F401 (for runs whose test reads only the warehouse)

START = dt.date(2026, 9, 7)  # a Monday


def make_demo(data_dir: Path, days: int = 2, start: dt.date = START) -> None:
    from transforms.demo import generate_demo_district

    generate_demo_district(data_dir, start, days, scale="tiny")


def all_assets():
    from orchestration.definitions import defs

    return list(defs().assets)


def resources(data_dir: Path) -> dict:
    from orchestration.definitions import build_resources

    return build_resources(str(data_dir))


def materialize_day(data_dir: Path, day: str, instance: dg.DagsterInstance | None = None, **kw):
    return dg.materialize(all_assets(), partition_key=day, resources=resources(data_dir),
                          instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False, **kw)


def materialize_range(data_dir: Path, first: str, last: str, **kw):
    """One run over a window of days, as a UI backfill launches it (up to MAX_DAYS_PER_RUN days)."""
    tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
    return dg.materialize(all_assets(), resources=resources(data_dir), instance=dg.DagsterInstance.ephemeral(),
                          raise_on_error=False, tags=tags, **kw)


def table_fingerprints(db: Path, schemas=("raw", "staging", "intermediate", "marts")) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table (load-time columns excluded)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN "
            f"({', '.join(repr(s) for s in schemas)}) ORDER BY 1, 2").fetchall()
        for schema, table in tables:
            cols = [(c, t) for (c, t) in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
                "AND table_name = ? ORDER BY ordinal_position", [schema, table]).fetchall()
                if c not in ("_loaded_at", "loaded_at", "quarantined_at") and not c.endswith("_loaded_at")]
            if not cols:
                continue
            # parallel float sums differ in the last bits between runs: compare to 1e-6
            expr = ", ".join(f'round("{c}", 6)' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in cols)
            n, digest = con.execute(
                f'SELECT count(*), coalesce(sum(hash(({expr}))), 0)::VARCHAR FROM "{schema}"."{table}"').fetchone()
            out[f"{schema}.{table}"] = (n, hashlib.md5(str(digest).encode()).hexdigest()[:12])
    return out
