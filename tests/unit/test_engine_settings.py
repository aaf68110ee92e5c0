"""The engine setting (transforms/settings.py): DuckDB unless WUDU_ENGINE or `wudu run --engine` says
spark; a typo is an error, never a silent fallback; the Spark locations follow the data directory."""
from __future__ import annotations

import pytest

from transforms.settings import engine, spark_settings


def test_duckdb_is_the_default_and_spark_is_chosen_explicitly(monkeypatch):
    monkeypatch.delenv("WUDU_ENGINE", raising=False)
    assert engine() == "duckdb"
    monkeypatch.setenv("WUDU_ENGINE", "Spark ")
    assert engine() == "spark"
    assert engine("duckdb") == "duckdb"
    monkeypatch.setenv("WUDU_ENGINE", "sparkk")
    with pytest.raises(ValueError, match="unknown engine"):
        engine()


def test_spark_locations_follow_the_data_dir_unless_a_centre_sets_them(tmp_path, monkeypatch):
    for k in ("WUDU_SPARK_MASTER", "WUDU_LAKE_DIR", "WUDU_SPARK_WAREHOUSE", "WUDU_SPARK_METASTORE_URL"):
        monkeypatch.delenv(k, raising=False)
    s = spark_settings(tmp_path)
    assert s["WUDU_SPARK_MASTER"] == "local[2]"
    assert s["WUDU_LAKE_DIR"] == str(tmp_path.resolve() / "warehouse" / "lake")
    assert s["WUDU_SPARK_WAREHOUSE"].startswith(str(tmp_path.resolve()))
    assert "jdbc:derby:" in s["WUDU_SPARK_METASTORE_URL"] and str(tmp_path.resolve()) in s["WUDU_SPARK_METASTORE_URL"]
    monkeypatch.setenv("WUDU_SPARK_MASTER", "spark://spark-master:7077")
    monkeypatch.setenv("WUDU_SPARK_WAREHOUSE", "hdfs://nn/wudu/warehouse")
    s = spark_settings(tmp_path)
    assert (s["WUDU_SPARK_MASTER"], s["WUDU_SPARK_WAREHOUSE"]) == ("spark://spark-master:7077", "hdfs://nn/wudu/warehouse")


def test_the_resource_carries_the_engine(tmp_path, monkeypatch):
    from orchestration.definitions import build_resources

    monkeypatch.setenv("WUDU_ENGINE", "spark")
    warehouse = build_resources(str(tmp_path))["warehouse"]
    assert warehouse.engine == "spark" and warehouse.is_spark
    assert warehouse.lake == tmp_path.resolve() / "warehouse" / "lake"
    monkeypatch.delenv("WUDU_ENGINE")
    assert not build_resources(str(tmp_path))["warehouse"].is_spark
