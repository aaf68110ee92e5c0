"""GX on DuckDB SQL (expectations/duckdb_source.py, the default) answers what GX on pandas answered
(the reference path, WUDU_GX_ENGINE=pandas) for every table-day of the tiny demo: every
expectation's success, unexpected count and unexpected values. Where the pandas path had to chunk a
big day, uniqueness was per chunk; the SQL path sees the whole day and counts a duplicate across
chunks. Real DuckDB, real GX on both sides."""
from __future__ import annotations

import re
from collections import Counter

import duckdb
import pytest

import expectations.runner as runner_mod
import transforms.loader as loader
from expectations.runner import SuiteRunner, validate_batch
from tests.pipeline_helpers import START
from transforms.contracts import load_contracts

DAY = START.isoformat()
SOURCES = ("roster", "platform", "training")


def _batches(con, source):
    for t in load_contracts()[source].tables.values():
        batch = f"_gx_batch__{t.name}"
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [batch]).fetchone()[0]:
            yield t, batch


def _by_rule(outcome):
    return {(o.expectation, o.column, o.rule): o for o in outcome.outcomes}


def _assert_same(sql, pandas, where):
    """Same rows, success and expectations; per expectation the same success, count and (complete)
    unexpected values."""
    assert (sql.rows, sql.success) == (pandas.rows, pandas.success), where
    s, p = _by_rule(sql), _by_rule(pandas)
    assert s.keys() == p.keys(), where
    for k in s:
        assert (s[k].success, s[k].unexpected_count) == (p[k].success, p[k].unexpected_count), (where, k)
        assert Counter(s[k].sample) == Counter(p[k].sample), (where, k)


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory):
    from transforms.demo import generate_demo_district

    root = tmp_path_factory.mktemp("gxsql")
    generate_demo_district(root / "data", START, 1, scale="tiny", error_rate=0.03)
    return root


def test_sql_and_pandas_agree_on_every_demo_table_day(demo_landing, tmp_path, monkeypatch):
    # a sample size past any count: the samples are the complete unexpected values, compared whole
    monkeypatch.setattr(runner_mod, "SAMPLE_SIZE", 100_000)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    sql_runner, pandas_runner = SuiteRunner(), SuiteRunner()
    compared, flagged, rules = 0, 0, set()
    for source in SOURCES:
        loader.load_source_day(con, demo_landing / "data" / "landing", source, DAY)
        for t, batch in _batches(con, source):
            sql = validate_batch(con, sql_runner, batch, t, DAY, None, engine="sql")
            pandas = validate_batch(con, pandas_runner, batch, t, DAY, None, engine="pandas")
            _assert_same(sql, pandas, t.qualified)
            pii = {c.name for c in t.columns if c.pii} | {c.stored_name for c in t.columns if c.pii}
            assert all(not o.sample for o in sql.outcomes if o.column in pii), t.qualified
            assert [o for o in sql.outcomes + pandas.outcomes if o.error] == [], t.qualified
            compared += 1
            flagged += sum(o.unexpected_count for o in sql.outcomes)
            rules |= {o.rule for o in sql.outcomes if o.unexpected_count}
    assert compared >= 13
    # the demo's planted errors reach GX on both paths: a comparison of all-zero counts proves little
    assert flagged > 20 and {"quarantine_share", "required"} <= rules, (flagged, rules)
    con.close()


def test_pattern_rule_counts_as_pandas_does(demo_landing, tmp_path):
    """The loader nulls a badly formatted optional value, so the demo's pattern rule sees none:
    here sign-in times are broken in the batch itself. GX has no DuckDB regex, so the SQL path runs
    this rule on pandas too; its count is Python's re.search, as on the pandas path."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loader.load_source_day(con, demo_landing / "data" / "landing", "roster", DAY)
    loader.load_source_day(con, demo_landing / "data" / "landing", "training", DAY)
    table = load_contracts()["training"].tables["signins"]
    bad = ["25:00", "8点", "12:30\n", "7:5", "09:15:00"]  # "12:30\n": $ matches before a final newline in Python
    con.execute("CREATE TEMP TABLE _bad AS SELECT * FROM _gx_batch__signins")
    con.execute("UPDATE _bad SET sign_in_time = (?::VARCHAR[])[1 + _row_number % ?] WHERE _row_number % 3 = 0",
                [bad, len(bad)])
    pattern = next(c.pattern for c in table.columns if c.name == "sign_in_time")
    values = [v for (v,) in con.execute("SELECT sign_in_time FROM _bad WHERE sign_in_time IS NOT NULL").fetchall()]
    expected = sum(not re.search(pattern, v) for v in values)
    assert expected > 0
    runner = SuiteRunner(tmp_path / "site", run_name="run0test")
    sql = validate_batch(con, runner, "_bad", table, DAY, None, engine="sql")
    pandas = validate_batch(con, SuiteRunner(), "_bad", table, DAY, None, engine="pandas")
    _assert_same(sql, pandas, "signins with broken times")
    rule = _by_rule(sql)[("expect_column_values_to_match_regex", "sign_in_time", "pattern")]
    assert rule.unexpected_count == expected
    # the same runner goes on to the next day of a run (its suites are in the context by now)
    validate_batch(con, runner, "_bad", table, "2026-09-08", None, engine="sql")
    runner.build_docs()
    pages = {p.name for p in (tmp_path / "site").rglob("*.html")}
    assert "pattern.html" in pages and "signins.html" in pages and sql.docs_url, pages
    con.close()


def test_sql_sees_a_duplicate_the_chunked_pandas_path_missed(demo_landing, tmp_path, monkeypatch):
    """A day bigger than one pandas chunk, with one statement delivered twice far apart: the
    pandas path (chunks of 2048 rows here) counts duplicates per chunk and misses it; the SQL path
    counts both rows, as the loader's duplicate_key rule does. Every other count adds up alike."""
    monkeypatch.setattr(runner_mod, "GX_CHUNK_ROWS", 2048)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for source in ("roster", "platform"):
        loader.load_source_day(con, demo_landing / "data" / "landing", source, DAY)
    con.execute("SET preserve_insertion_order = true")  # the loader turns it off; chunks follow row order here
    table = load_contracts()["platform"].tables["xapi_statements"]
    copies = " UNION ALL ".join(f"SELECT * REPLACE (statement_id || '-{i}' AS statement_id) FROM _gx_batch__xapi_statements"
                                for i in range(8))
    con.execute(f"CREATE TEMP TABLE _big AS {copies}")
    con.execute("INSERT INTO _big SELECT * FROM _big LIMIT 1")  # the first row again, at the end
    n = con.execute("SELECT count(*) FROM _big").fetchone()[0]
    assert n > 2 * 2048, "the batch must span several pandas chunks"
    whole_day = con.execute("SELECT count(*) FROM _big WHERE statement_id IN "
                            "(SELECT statement_id FROM _big GROUP BY 1 HAVING count(*) > 1)").fetchone()[0]
    sql = _by_rule(validate_batch(con, SuiteRunner(), "_big", table, DAY, None, engine="sql"))
    chunked = _by_rule(validate_batch(con, SuiteRunner(), "_big", table, DAY, None, engine="pandas"))
    key = ("expect_column_values_to_be_unique", "statement_id", "duplicate_key")
    # what a per-chunk count sees, from the same chunks (the demo's own duplicate pairs can fall on a
    # chunk boundary too, depending on the order the loader wrote the batch in)
    per_chunk, cur = 0, con.execute("SELECT * FROM _big")
    while not (df := cur.fetch_df_chunk(1)).empty:
        per_chunk += int(df["statement_id"].dropna().duplicated(keep=False).sum())  # GX skips nulls
    assert sql[key].unexpected_count == whole_day >= 2
    assert chunked[key].unexpected_count == per_chunk <= whole_day - 2  # the pair across chunks is not seen
    assert {k: o.unexpected_count for k, o in sql.items() if k != key} == \
           {k: o.unexpected_count for k, o in chunked.items() if k != key}
    con.close()


def test_the_loader_keeps_its_connection(demo_landing, tmp_path):
    """GX borrows the loader's connection between the day's transactions: it never closes it
    (TEMP tables and settings survive), and leaves no transaction of its own open."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loader.load_source_day(con, demo_landing / "data" / "landing", "roster", DAY)
    table = load_contracts()["roster"].tables["orgs"]
    outcome = validate_batch(con, SuiteRunner(), "_gx_batch__orgs", table, DAY, None, engine="sql")
    assert outcome.outcomes and outcome.rows == con.execute("SELECT count(*) FROM _gx_batch__orgs").fetchone()[0]
    assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "Asia/Shanghai"
    con.execute("BEGIN")  # fails if GX had left a transaction open
    con.execute("CREATE TABLE kept AS SELECT * FROM _gx_batch__users")
    con.execute("COMMIT")
    assert con.execute("SELECT count(*) FROM kept").fetchone()[0] > 0
    con.close()


def test_unknown_engine_is_refused():
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE _b AS SELECT 'x' AS sourced_id")
    with pytest.raises(ValueError, match="WUDU_GX_ENGINE"):
        validate_batch(con, SuiteRunner(), "_b", load_contracts()["roster"].tables["orgs"], DAY, None, engine="spark")


def test_an_expectation_gx_cannot_evaluate_is_reported(caplog):
    """A batch whose day column is text: GX cannot compare it with the day's bounds. That rule is
    failed with the error named and logged, not passed off as "0 unexpected"."""
    table = load_contracts()["training"].tables["signins"]
    con = duckdb.connect()
    cols = ", ".join(f"'x' AS \"{c.stored_name}\"" for c in table.columns)
    con.execute(f"CREATE TEMP TABLE _b AS SELECT {cols}, true AS teacher_id__in_roster, false AS _quarantined")
    with caplog.at_level("WARNING", logger="wudu.gx"):
        outcome = validate_batch(con, SuiteRunner(), "_b", table, DAY, None, engine="sql")
    rule = next(o for o in outcome.outcomes if o.rule == "in_partition_day")
    assert not rule.success and rule.error, rule
    assert "expect_column_values_to_be_between on signin_date" in caplog.text
    assert all(o.error is None for o in outcome.outcomes if o.rule == "required")
