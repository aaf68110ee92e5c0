"""PostgreSQL as a publish target, against a real PostgreSQL 15 server the test starts: the same tables,
rows, checksums and comments as the analysts' DuckDB file; a read-only analyst role; a re-publish is
seen whole or not at all; after the first copy only the days dbt changed are copied again."""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import threading

import duckdb
import pytest
import sqlalchemy as sa

from tests.postgres_server import postgres_server
from tests.publish_fixtures import note_window, small_build, small_manifest
from transforms.publish.duckdb_file import publish_duckdb
from transforms.publish.postgres import publish_postgres


@pytest.fixture(scope="module")
def pg_url():
    with postgres_server() as url:
        yield url


def _norm(v):
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, decimal.Decimal):  # numeric(39,0) holds DuckDB's HUGEINT sums
        return int(v) if v == v.to_integral_value() else round(float(v), 6)
    if isinstance(v, dt.datetime) and v.tzinfo:
        return v.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat()
    if isinstance(v, (dt.date, dt.time, dt.datetime)):
        return v.isoformat()
    if isinstance(v, (list, dict)):
        return json.dumps(v, sort_keys=True, default=str)
    return v


def _checksum(rows) -> str:
    return hashlib.md5("\n".join(sorted(repr(tuple(_norm(v) for v in r)) for r in rows)).encode()).hexdigest()


def _analyst(url: str, pg, name: str = "alice") -> sa.Engine:
    with pg.begin() as c:
        c.execute(sa.text(f"DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN "
                          f"CREATE ROLE {name} LOGIN IN ROLE wudu_analyst; END IF; END$$"))
    return sa.create_engine(sa.make_url(url).set(username=name), poolclass=sa.pool.NullPool)


def _assert_copy_equals(published, pg_url, report) -> None:
    """PostgreSQL holds the DuckDB file's marts and seeds (rows, checksums, comments), its Chinese views
    with their comments, and its own publish state; nothing else."""
    pg = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with duckdb.connect(str(published), read_only=True) as duck, pg.connect() as c:
        # the analyst-facing schemas; the file's own publish information (wudu_meta) stays in the file,
        # PostgreSQL has its own publish state
        tables = duck.execute("SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE schema_name IN "
                              "('marts', 'seeds') ORDER BY 1, 2").fetchall()
        assert set(report.tables) == {f"{s}.{t}" for s, t, _ in tables}
        pg_tables = c.execute(sa.text(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND "
            "table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")).fetchall()
        assert [tuple(r) for r in pg_tables] == [(s, t) for s, t, _ in tables] + [("wudu_meta", "publish_state")]
        for schema, table, comment in tables:
            cols = duck.execute("SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND "
                                "table_name = ? ORDER BY column_index", [schema, table]).fetchall()
            names = ", ".join(f'"{n}"' for n, _ in cols)
            d_rows = duck.execute(f'SELECT {names} FROM "{schema}"."{table}"').fetchall()
            p_rows = c.execute(sa.text(f'SELECT {names} FROM "{schema}"."{table}"')).fetchall()
            assert len(d_rows) == len(p_rows) == report.tables[f"{schema}.{table}"], table
            assert _checksum(d_rows) == _checksum(p_rows), f"{schema}.{table} differs"
            assert c.execute(sa.text("SELECT obj_description(to_regclass(:r), 'pg_class')"),
                             {"r": f'"{schema}"."{table}"'}).scalar() == comment
            pg_comments = dict(c.execute(sa.text(
                "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a WHERE a.attrelid = "
                "to_regclass(:r) AND a.attnum > 0 AND NOT a.attisdropped"), {"r": f'"{schema}"."{table}"'}).fetchall())
            assert pg_comments == dict(cols), f"{schema}.{table} comments differ"
        views = {r[0] for r in duck.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts_zh'").fetchall()}
        assert views and {r[0] for r in c.execute(sa.text(
            "SELECT table_name FROM information_schema.views WHERE table_schema = 'marts_zh'")).fetchall()} == views
        view_comments = duck.execute("SELECT table_name, column_name, comment FROM duckdb_columns() "
                                     "WHERE schema_name = 'marts_zh' ORDER BY 1, 2").fetchall()
        assert sorted(tuple(r) for r in c.execute(sa.text(
            "SELECT k.relname, a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a "
            "JOIN pg_class k ON k.oid = a.attrelid JOIN pg_namespace n ON n.oid = k.relnamespace "
            "WHERE n.nspname = 'marts_zh' AND a.attnum > 0"))) == sorted(view_comments)
        for view in views:  # each view reads its live mart
            c.execute(sa.text(f'SELECT * FROM marts_zh."{view}" LIMIT 1')).fetchall()
        assert tuple(c.execute(sa.text("SELECT mode, reason FROM wudu_meta.publish_state")).one()) == (
            report.mode, report.reason)
        assert not c.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_\\_%'")).fetchall(), \
            "staging schemas left"


def test_postgres_copy_equals_the_duckdb_file_and_analysts_cannot_write(demo_warehouse, pg_url):
    published = demo_warehouse / "warehouse" / "wudu.duckdb"
    report = publish_postgres(published, pg_url)
    _assert_copy_equals(published, pg_url, report)
    pg = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    mart = "fct_teacher_five_degree_term"
    with pg.connect() as c:
        assert c.execute(sa.text(f"SELECT count(*) FROM marts.{mart}")).scalar() > 0
        views = {r[0] for r in c.execute(sa.text(
            "SELECT table_name FROM information_schema.views WHERE table_schema = 'marts_zh'")).fetchall()}

    alice = _analyst(pg_url, pg)
    with alice.connect() as a:
        assert a.execute(sa.text(f"SELECT count(*) FROM marts.{mart}")).scalar() > 0
        view = sorted(views)[0]
        a.execute(sa.text(f'SELECT * FROM marts_zh."{view}" LIMIT 1')).fetchall()
        assert a.execute(sa.text("SELECT mode FROM wudu_meta.publish_state")).scalar() == "full"
    for sql in (f"DELETE FROM marts.{mart}", "DELETE FROM wudu_meta.publish_state", "CREATE TABLE marts.x (i int)", "CREATE TABLE public.x (i int)",
                "DROP SCHEMA seeds CASCADE", f"UPDATE marts.{mart} SET district_id = 'x'"):
        with alice.connect() as a, pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner"):
            a.execute(sa.text(sql))
    assert not [s for (s,) in pg.connect().execute(sa.text(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_\\_%'")).fetchall()], "staging schemas left"


def _reads_during(analyst: sa.Engine, sql: str, publish):
    """Run `publish()` while `analyst` runs `sql` over and over in another thread: (what each query saw,
    the errors it raised, what publish returned)."""
    seen, errors, stop = [], [], threading.Event()

    def reader():
        with analyst.connect() as a:
            while not stop.is_set():
                try:
                    seen.append(tuple(a.execute(sa.text(sql)).one()))
                    a.commit()
                except Exception as exc:  # noqa: BLE001
                    errors.append(exc)
                    a.rollback()

    t = threading.Thread(target=reader)
    t.start()
    try:
        result = publish()
        stop.wait(0.3)
    finally:
        stop.set()
        t.join()
    return seen, errors, result


def test_a_reader_during_republish_sees_the_old_or_the_new_schema_never_a_mix(tmp_path, pg_url):
    files = []
    for version in (1, 2):
        build = small_build(tmp_path / f"b{version}" / "build.duckdb", marker=version, rows=300_000)
        files.append(publish_duckdb(build, tmp_path / f"p{version}" / "wudu.duckdb").path)
    publish_postgres(files[0], pg_url)
    alice = _analyst(pg_url, sa.create_engine(pg_url, poolclass=sa.pool.NullPool), "bob")
    seen, errors, _ = _reads_during(alice, "SELECT (SELECT max(version) FROM marts.fct_a), (SELECT max(version) "
                                    "FROM marts.fct_b), (SELECT count(*) FROM marts.fct_a)",
                                    lambda: publish_postgres(files[1], pg_url))
    assert not errors, errors[:3]
    assert set(seen) <= {(1, 1, 300_000), (2, 2, 300_000)}, set(seen)
    assert seen[0][0] == 1 and seen[-1][0] == 2 and len(seen) > 5


def test_cli_and_dagster_publish_to_postgres_and_skip_when_unset(tmp_path, pg_url, monkeypatch):
    import dagster as dg

    from orchestration.definitions import build_assets
    from tests.pipeline_helpers import resources
    from wudu.cli import main

    data = tmp_path / "data"
    small_build(data / "warehouse" / "build" / "wudu_build.duckdb", marker=3, rows=10)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dh"))
    assert main(["publish", "--data-dir", str(data)]) == 0
    plain_url = sa.make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    assert main(["publish", "--data-dir", str(data), "--to", plain_url]) == 0
    pg = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with pg.connect() as c:
        assert c.execute(sa.text("SELECT max(version) FROM marts.fct_a")).scalar() == 3

    small_build(data / "warehouse" / "build" / "wudu_build.duckdb", marker=4, rows=10)

    def run():
        assets = build_assets()  # the code location as it loads in this environment
        keys = {k.to_user_string() for a in assets for k in a.keys}
        selection = dg.AssetSelection.assets(*sorted({"published_warehouse", "postgres_warehouse"} & keys))
        result = dg.materialize(assets, selection=selection, partition_key="2026-09-07",
                                resources=resources(data), instance=dg.DagsterInstance.ephemeral())
        return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}

    monkeypatch.delenv("WUDU_PG_URL", raising=False)
    assert run() == {"published_warehouse"}  # no target configured: no PostgreSQL asset at all
    with pg.connect() as c:
        assert c.execute(sa.text("SELECT max(version) FROM marts.fct_a")).scalar() == 3
    monkeypatch.setenv("WUDU_PG_URL", pg_url)
    assert run() == {"published_warehouse", "postgres_warehouse"}
    with pg.connect() as c:
        assert c.execute(sa.text("SELECT max(version) FROM marts.fct_a")).scalar() == 4


def test_a_failed_postgres_publish_leaves_the_live_schemas_and_no_staging(tmp_path, pg_url):
    good = publish_duckdb(small_build(tmp_path / "g" / "build.duckdb", marker=5, rows=10),
                          tmp_path / "pg" / "wudu.duckdb").path
    publish_postgres(good, pg_url)
    bad_build = small_build(tmp_path / "b" / "build.duckdb", marker=6, rows=10)
    with duckdb.connect(str(bad_build)) as con:  # PostgreSQL text cannot hold a NUL byte: COPY fails mid-way
        con.execute("CREATE TABLE marts.fct_z AS SELECT 'a' || chr(0) || 'b' AS v")
    bad = publish_duckdb(bad_build, tmp_path / "pb" / "wudu.duckdb").path
    with pytest.raises(Exception, match="0x00|NUL"):
        publish_postgres(bad, pg_url)
    pg = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with pg.connect() as c:
        assert c.execute(sa.text("SELECT max(version) FROM marts.fct_a")).scalar() == 5
        assert c.execute(sa.text("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%\\_\\_%'")).scalar() == 0


def _xmins(pg: sa.Engine, where: str) -> set[str]:
    """The transactions that wrote the rows: rows copied again get the new copy's."""
    with pg.connect() as c:
        return {r[0] for r in c.execute(sa.text(f"SELECT DISTINCT xmin::text FROM marts.fct_a WHERE {where}"))}


def test_after_the_first_copy_only_the_days_dbt_changed_are_copied_and_the_result_equals_the_file(tmp_path, pg_url):
    """Steady state: PostgreSQL's own publish state names the last dbt run it holds; the next copy
    replaces the daily facts' days noted since (rows of other days are not written again), copies
    every other table whole, and equals the DuckDB file. A change the ledger does not know of that
    alters a day's row count, a rebuilt build file or --full: every table copied, saying why.
    Fix a failure in transforms/publish/postgres.py."""
    manifest = small_manifest(tmp_path / "manifest.json")
    build = small_build(tmp_path / "build" / "b.duckdb")
    target = tmp_path / "pub" / "wudu.duckdb"
    with sa.create_engine(pg_url, isolation_level="AUTOCOMMIT").connect() as c:  # a database of its own
        c.execute(sa.text("CREATE DATABASE wudu_incremental"))
    pg_url = sa.make_url(pg_url).set(database="wudu_incremental").render_as_string(hide_password=False)
    pg = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)

    def night(day: str | None, version: int):
        if day:  # a dbt run rebuilding one day and the non-daily tables
            with duckdb.connect(str(build)) as con:
                con.execute(f"UPDATE marts.fct_a SET version = {version} WHERE day = DATE '{day}'")
                con.execute(f"INSERT INTO marts.fct_a VALUES (-{version}, {version}, 0.5, DATE '{day}')")
                con.execute(f"UPDATE marts.fct_b SET version = {version}")
            note_window(build, day, day)
        publish_duckdb(build, target, manifest)
        report = publish_postgres(target, pg_url, manifest=manifest)
        _assert_copy_equals(target, pg_url, report)
        return report

    note_window(build, "2026-09-07", "2026-09-11")
    first = night(None, 1)
    assert (first.mode, first.reason) == ("full", "no previous PostgreSQL copy to refresh")
    untouched = _xmins(pg, "day <> DATE '2026-09-08'")
    second = night("2026-09-08", 2)
    assert second.mode == "incremental", second.reason
    assert second.refreshed == [("2026-09-08", "2026-09-08")] and second.tables["marts.fct_a"] == 1001
    assert _xmins(pg, "day <> DATE '2026-09-08'") == untouched  # the other days' rows were not written again
    assert _xmins(pg, "day = DATE '2026-09-08'").isdisjoint(untouched)
    with pg.connect() as c:
        assert tuple(c.execute(sa.text("SELECT refreshed_windows, latest_day::text FROM wudu_meta.publish_state")
                               ).one()) == ("2026-09-08..2026-09-08", "2026-09-11")
        assert c.execute(sa.text("SELECT max(version) FROM marts.fct_b")).scalar() == 2

    # a night the PostgreSQL copy missed: the next one brings both nights' days
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE marts.fct_a SET version = 3 WHERE day = DATE '2026-09-09'")
    note_window(build, "2026-09-09", "2026-09-09")
    publish_duckdb(build, target, manifest)
    third = night("2026-09-10", 4)
    assert third.mode == "incremental" and third.refreshed == [("2026-09-09", "2026-09-09"),
                                                                ("2026-09-10", "2026-09-10")]

    # a dbt full refresh notes every day: the daily fact is copied whole (a new table), not row by row
    def oid() -> int:
        with pg.connect() as c:
            return c.execute(sa.text("SELECT 'marts.fct_a'::regclass::oid")).scalar()

    before = oid()
    note_window(build, "1900-01-01", "2999-12-31")
    publish_duckdb(build, target, manifest)
    refreshed_all = publish_postgres(target, pg_url, manifest=manifest)
    assert refreshed_all.mode == "incremental" and oid() != before
    _assert_copy_equals(target, pg_url, refreshed_all)
    kept = oid()
    assert night(None, 0).mode == "incremental" and oid() == kept  # nothing noted since: the table stays

    # a day whose row count changed behind the ledger's back is caught by the per-day counts
    with duckdb.connect(str(build)) as con:
        con.execute("DELETE FROM marts.fct_a WHERE day = DATE '2026-09-07' AND id < 10")
    publish_duckdb(build, target, manifest, incremental=False)
    caught = publish_postgres(target, pg_url, manifest=manifest)
    assert caught.mode == "full" and "per-day row counts differ" in caught.reason and "marts.fct_a" in caught.reason
    _assert_copy_equals(target, pg_url, caught)

    # a build file made anew (its ledger starts again) and --full
    small_build(build, marker=7)
    with duckdb.connect(str(build)) as con:
        con.execute("DROP SCHEMA wudu_meta CASCADE")
    note_window(build, "2026-09-07", "2026-09-11")
    publish_duckdb(build, target, manifest)
    rebuilt = publish_postgres(target, pg_url, manifest=manifest)
    assert rebuilt.mode == "full" and "does not hold the run the PostgreSQL copy was published after" in rebuilt.reason
    _assert_copy_equals(target, pg_url, rebuilt)
    forced = publish_postgres(target, pg_url, manifest=manifest, incremental=False)
    assert (forced.mode, forced.reason) == ("full", "a full copy was asked for")


def test_a_reader_during_an_incremental_copy_sees_the_old_or_the_new_night_never_a_mix(tmp_path, pg_url):
    manifest = small_manifest(tmp_path / "manifest.json")
    build = small_build(tmp_path / "build" / "b.duckdb", rows=300_000)
    target = tmp_path / "pub" / "wudu.duckdb"
    note_window(build, "2026-09-07", "2026-09-11")
    publish_duckdb(build, target, manifest)
    publish_postgres(target, pg_url, manifest=manifest)
    with duckdb.connect(str(build)) as con:  # the night: one day of the daily fact and the non-daily table
        con.execute("UPDATE marts.fct_a SET version = 2 WHERE day = DATE '2026-09-09'")
        con.execute("DELETE FROM marts.fct_a WHERE day = DATE '2026-09-09' AND id % 3 = 0")
        con.execute("UPDATE marts.fct_b SET version = 2")
    note_window(build, "2026-09-09", "2026-09-09")
    publish_duckdb(build, target, manifest)
    with duckdb.connect(str(target), read_only=True) as duck:  # fct_a's Chinese view
        view = duck.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts_zh' AND "
                            "sql LIKE '%marts.fct_a%'").fetchone()[0]
    alice = _analyst(pg_url, sa.create_engine(pg_url, poolclass=sa.pool.NullPool), "carol")
    seen, errors, report = _reads_during(
        alice, "SELECT (SELECT max(version) FROM marts.fct_a), (SELECT max(version) FROM marts.fct_b), "
               f'(SELECT count(*) FROM marts.fct_a), (SELECT count(*) FROM marts_zh."{view}")',
        lambda: publish_postgres(target, pg_url, manifest=manifest))
    assert report.mode == "incremental", report.reason
    assert not errors, errors[:3]
    assert set(seen) <= {(1, 1, 300_000, 300_000), (2, 2, 280_000, 280_000)}, set(seen)
    assert seen[0][0] == 1 and seen[-1][0] == 2 and len(seen) > 5
