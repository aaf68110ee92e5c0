"""The Spark tier (marker `spark`): the tiny demo through Dagster — the same job and assets (the DuckDB
reference without the reports) — once on DuckDB and once with WUDU_ENGINE=spark on a real 2-worker Spark standalone cluster started here from
the pyspark wheel (tests/spark_cluster.py); then the 五度, training, smart-classroom, research and careers marts of the two
engines must be equal (row counts, and every value after rounding numbers to 2 decimals).

Also here: the Parquet lake replaces exactly one partition on a re-run, and the contract suites give
the same outcomes on Spark DataFrames as on pandas."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline_helpers import WITHOUT_REPORTS, make_demo, materialize_range
from spark_cluster import java_home, standalone_cluster

pytestmark = [pytest.mark.spark, pytest.mark.slow,
              pytest.mark.skipif(java_home() is None, reason="Spark needs Java 17 (apt-get install openjdk-17-jre-headless)")]

FIRST, LAST = "2026-09-07", "2026-09-08"
COMPARED_FOLDERS = ("five_degree", "training", "smart_classroom", "research", "careers")  # models/<folder>/marts
MANIFEST = Path(__file__).resolve().parents[1] / "dbt_project" / "target" / "manifest.json"


def compared_marts() -> list[str]:
    nodes = json.loads(MANIFEST.read_text(encoding="utf-8"))["nodes"].values()
    return sorted(n["name"] for n in nodes if n["resource_type"] == "model" and len(n["fqn"]) >= 3
                  and n["fqn"][1] in COMPARED_FOLDERS and n["config"].get("schema") == "marts")


def _text(v) -> str | None:
    if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp) and v.tzinfo is not None:
        v = v.tz_convert("UTC").tz_localize(None)
    return v.isoformat(sep=" ") if hasattr(v, "isoformat") else str(v)


def normalised(db: Path, table: str) -> tuple[pd.DataFrame, list[str]]:
    """The table made engine-neutral: numbers as floats rounded to 2 decimals, everything else as
    text (booleans, ISO dates and times), columns by name, rows sorted; and its numeric columns."""
    with duckdb.connect(str(db), read_only=True) as con:
        df = con.execute(f'SELECT * FROM marts."{table}"').df()
    df = df[sorted(df.columns)]
    numeric = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            df[c] = s.astype("float64").round(2)
            numeric.append(c)
        else:
            df[c] = s.map(_text).astype("string").fillna("<null>")
    return df.sort_values(list(df.columns), na_position="last").reset_index(drop=True), numeric


def differences(a: pd.DataFrame, b: pd.DataFrame, numeric: list[str]) -> list[str]:
    """Columns whose values differ: text exactly, numbers by more than one unit of the second decimal
    (two engines may sum floats in another order, and x.xx5 then rounds either way)."""
    out = []
    for c in a.columns:
        if c in numeric:
            x, y = a[c].to_numpy(), b[c].to_numpy()
            same = ((pd.isna(x) & pd.isna(y)) | ((abs(x - y) <= 0.0101))).all()
        else:
            same = a[c].equals(b[c])
        if not same:
            out.append(c)
    return out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with standalone_cluster(tmp_path_factory.mktemp("spark_cluster"), workers=2, cores=1, memory="1g") as c:
        yield c


@pytest.fixture(scope="module")
def two_engines(tmp_path_factory, cluster):
    """The same demo days on both engines; returns {engine: (data dir, seconds)}."""
    mp = pytest.MonkeyPatch()
    out = {}
    try:
        for eng in ("duckdb", "spark"):
            data = tmp_path_factory.mktemp(f"engine_{eng}") / "data"
            make_demo(data, days=2)
            mp.setenv("WUDU_ENGINE", eng)
            if eng == "spark":
                mp.setenv("WUDU_SPARK_MASTER", cluster.master_url)
                mp.setenv("WUDU_SPARK_CORES_MAX", "2")
                mp.setenv("WUDU_SPARK_EXECUTOR_MEMORY", "768m")
                mp.setenv("WUDU_SPARK_SHUFFLE_PARTITIONS", "2")
                # the data tests whose SQL the project wrote run on Spark too (a singular test Spark
                # could not parse once failed every Spark night); dbt's built-in ones ran on DuckDB
                mp.setenv("WUDU_SPARK_DBT_TESTS", "own_sql")
            started = time.monotonic()
            # the Spark night is the whole job, reports included (they read what Spark's marts
            # published); the DuckDB night is the reference for the marts only (the session's
            # demo run covers its reports)
            result = materialize_range(data, FIRST, LAST, **({} if eng == "spark" else {"selection": WITHOUT_REPORTS}))
            seconds = time.monotonic() - started
            failed = [e.step_key for e in result.all_events if e.is_step_failure]
            assert result.success, f"{eng} run failed at {failed}\n" + (cluster.log_tail() if eng == "spark" else "")
            out[eng] = (data, seconds)
            print(f"\n{eng}: tiny demo {FIRST}..{LAST} through Dagster in {seconds:.0f}s")
    finally:
        mp.undo()
    return out


def test_spark_marts_equal_duckdb_marts(two_engines):
    marts = compared_marts()
    assert {"fct_teacher_five_degree_term", "fct_student_five_degree_term", "fct_smart_classroom_school_month",
            "fct_teacher_training_term"} <= set(marts), marts
    duck_db = two_engines["duckdb"][0] / "warehouse" / "wudu.duckdb"
    spark_db = two_engines["spark"][0] / "warehouse" / "wudu.duckdb"
    differing, compared_rows = [], 0
    for m in marts:
        (a, numeric), (b, _) = normalised(duck_db, m), normalised(spark_db, m)
        compared_rows += len(a)
        if list(a.columns) != list(b.columns):
            differing.append(f"{m}: columns {sorted(set(a.columns) ^ set(b.columns))}")
        elif len(a) != len(b):
            differing.append(f"{m}: {len(a)} rows on DuckDB, {len(b)} on Spark")
        elif cols := differences(a, b, numeric):
            first = next(i for i in range(len(a)) if any(str(a[c][i]) != str(b[c][i]) for c in cols))
            differing.append(f"{m}: values differ in {cols[:8]}, e.g. row {first}: "
                             f"{ {c: (a[c][first], b[c][first]) for c in cols[:4]} }")
    assert compared_rows > 0, "the demo produced no mart rows to compare"
    print(f"\ncompared {len(marts)} marts, {compared_rows} rows: {len(marts) - len(differing)} equal")
    assert not differing, "Spark marts differ from DuckDB marts:\n" + "\n".join(differing)


def test_the_lake_holds_one_partition_per_landed_day(two_engines):
    lake = two_engines["spark"][0] / "warehouse" / "lake" / "raw"
    for table in ("roster__users", "platform__lesson_sessions", "training__signins"):
        parts = sorted(p.name for p in (lake / table).iterdir() if not p.name.startswith("."))
        assert parts == [f"load_date={FIRST}", f"load_date={LAST}"], (table, parts)
    assert sorted(p.name for p in (lake / "quarantine" / f"load_date={FIRST}").iterdir()) == \
        ["platform.parquet", "roster.parquet", "training.parquet"]
