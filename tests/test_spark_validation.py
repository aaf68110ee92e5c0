"""The contract suites on Spark DataFrames (expectations/spark_validation.py) give the same outcome as
on pandas (expectations/runner.py) for every table of a demo day: same expectations, same
successes, same unexpected counts — a real local Spark and real GX."""
from __future__ import annotations

import duckdb
import pytest

from expectations.runner import SuiteRunner, validate_batch
from expectations.spark_validation import SparkSuiteRunner, batch_to_parquet
from pipeline_helpers import make_demo
from spark_cluster import java_home
from transforms.contracts import load_contracts
from transforms.loader import load_source_day
from transforms.settings import paths

pytestmark = [pytest.mark.spark, pytest.mark.skipif(java_home() is None, reason="Spark needs Java 17")]
DAY = "2026-09-07"


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("JAVA_HOME", java_home())
    session = (SparkSession.builder.master("local[1]").appName("wudu-gx-test")
               .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
               .config("spark.local.dir", str(tmp_path_factory.mktemp("spark_local"))).getOrCreate())
    yield session
    session.stop()


def key(outcome):
    return sorted((o.expectation, o.column, o.rule, o.success, o.unexpected_count) for o in outcome.outcomes)


def test_suites_on_spark_dataframes_match_pandas(tmp_path, spark):
    data = tmp_path / "data"
    make_demo(data, days=1)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    pandas_runner, spark_runner = SuiteRunner(), SparkSuiteRunner()
    compared, red = 0, 0
    for s in load_contracts().values():
        load_source_day(con, paths(data).landing, s.name, DAY)
        for t in s.tables.values():
            batch = f"_gx_batch__{t.name}"
            if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                               [batch]).fetchone()[0]:
                continue
            on_pandas = validate_batch(con, pandas_runner, batch, t, DAY, None)
            sdf = spark.read.parquet(str(batch_to_parquet(con, batch, tmp_path / "batches" / f"{t.name}.parquet")))
            on_spark = spark_runner.validate(sdf, t, DAY, None)
            assert (on_spark.rows, on_spark.success) == (on_pandas.rows, on_pandas.success), t.qualified
            assert key(on_spark) == key(on_pandas), t.qualified
            assert on_spark.outcomes, t.qualified
            compared += 1
            red += not on_spark.success
            con.execute(f"DROP TABLE {batch}")
    assert compared >= 10
