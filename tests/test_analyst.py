"""wudu.analyst: DuckDB, pandas and SQLAlchemy mixed in one process; connections that can read the
warehouse and touch nothing else (files, other databases, settings)."""
from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.publish_fixtures import small_build
from transforms.publish.duckdb_file import publish_duckdb


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    publish_duckdb(small_build(data / "warehouse" / "build" / "wudu_build.duckdb"), data / "warehouse" / "wudu.duckdb")
    return data


def test_query_engine_and_connect_mix_in_one_process(data):
    from wudu.analyst import connect, engine, query

    assert query("SELECT count(*) AS n FROM marts.fct_a", data).n[0] == 1000
    eng = engine(data)
    with eng.connect() as held:  # an SQLAlchemy connection stays open while the others run
        assert pd.read_sql("SELECT count(*) AS n FROM marts.fct_a", held).n[0] == 1000
        assert query("SELECT max(version) AS v FROM marts.fct_b", data).v[0] == 1
        with connect(data) as con:
            assert con.execute("SELECT count(*) FROM seeds.five_degree_bands").fetchone()[0] == 1
            assert pd.read_sql(sa.text("SELECT count(*) AS n FROM marts.fct_b"), eng).n[0] == 1
    assert query("SELECT count(*) AS n FROM marts.fct_a", data).n[0] == 1000
    # the URL an analyst writes by hand (README, BI tools) works as written
    url = f"duckdb:///{data / 'warehouse' / 'wudu.duckdb'}?access_mode=read_only"
    assert pd.read_sql("SELECT count(*) AS n FROM marts.fct_a", sa.create_engine(url)).n[0] == 1000


ESCAPES = {
    "copy_to": "COPY (SELECT 1) TO '{tmp}/out.csv'",
    "read_file": "SELECT * FROM read_csv('/etc/passwd')",
    "attach": "ATTACH '{tmp}/other.duckdb' AS other",
    "unlock": "SET enable_external_access = true",
    "write": "CREATE TABLE marts.x AS SELECT 1",
}


@pytest.mark.parametrize("via", ["connect", "query", "engine"])
def test_analyst_connections_cannot_touch_files_or_other_databases(data, tmp_path, via):
    from wudu.analyst import connect, engine, query

    for name, sql in ESCAPES.items():
        sql = sql.format(tmp=tmp_path)
        with pytest.raises(Exception) as err:
            if via == "connect":
                with connect(data) as con:
                    con.execute(sql).fetchall()
            elif via == "query":
                query(sql, data)
            else:
                with engine(data).connect() as c:
                    c.execute(sa.text(sql)).fetchall()
        assert any(w in str(err.value) for w in ("disabled", "Cannot change", "read-only", "read_only")), (name, err.value)
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "other.duckdb").exists()
    with connect(data) as con:  # and it still reads the warehouse
        assert con.execute("SELECT count(*) FROM marts.fct_a").fetchone()[0] == 1000
