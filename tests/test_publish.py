"""The analysts' file: analyst-facing schemas only, a Chinese comment on every table and column, readable
by the DuckDB CLI from PyPI (1.x), replaced atomically, cleaned up after any failure."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.publish_fixtures import note_window, small_build, small_manifest
from transforms.publish.duckdb_file import PublishError, publish_duckdb
from transforms.publish.labels import has_chinese


def _duckdb_cli() -> str:
    cli = Path(sys.executable).parent / "duckdb"
    found = str(cli) if cli.exists() else shutil.which("duckdb")
    assert found, "the duckdb CLI (pip install duckdb-cli, in the test extras) is missing"
    return found


def test_published_file_is_analyst_facing_and_opens_in_the_pypi_cli(demo_warehouse):
    published = demo_warehouse / "warehouse" / "wudu.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {r[0] for r in con.execute(
            "SELECT DISTINCT schema_name FROM duckdb_tables() UNION SELECT schema_name FROM duckdb_views() "
            "WHERE NOT internal").fetchall()}
        assert schemas == {"marts", "seeds", "marts_zh", "wudu_meta"}, schemas
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'fct_data_quality_daily'"
                           ).fetchone()[0] == 1
        marts = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").fetchone()[0]
        views = con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'marts_zh'").fetchone()[0]
    assert marts > 20 and views == marts

    out = subprocess.run([_duckdb_cli(), "-readonly", "-csv", str(published), "-c",
                          "SELECT version(), count(*) FROM duckdb_columns() WHERE schema_name = 'marts' AND "
                          "comment IS NOT NULL"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    version, n = out.stdout.strip().splitlines()[-1].split(",")
    assert version.startswith("v1.") and int(n) > 0, out.stdout


def test_every_published_table_view_and_column_has_a_chinese_comment(demo_warehouse):
    with duckdb.connect(str(demo_warehouse / "warehouse" / "wudu.duckdb"), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name, comment FROM duckdb_tables() UNION ALL "
                             "SELECT schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal "
                             "AND schema_name = 'marts_zh'").fetchall()
        columns = con.execute("SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
                              "WHERE schema_name IN ('marts', 'seeds', 'marts_zh', 'wudu_meta')").fetchall()
    assert len(tables) > 50 and len(columns) > 600
    missing = [f"{s}.{t}.{c}" for s, t, c, text in columns if not has_chinese(text)]
    missing += [f"{s}.{t}" for s, t, text in tables if not has_chinese(text)]
    assert not missing, f"{len(missing)} of {len(columns) + len(tables)} without a Chinese comment: {missing[:30]}"


def test_publish_writes_only_marts_and_seeds_and_replaces_atomically(tmp_path):
    build = small_build(tmp_path / "build" / "b.duckdb", marker=1)
    target = tmp_path / "wudu.duckdb"
    publish_duckdb(build, target)
    small_build(build, marker=2)
    with duckdb.connect(str(target), read_only=True) as old:  # a reader holding the old file
        report = publish_duckdb(build, target)
        assert old.execute("SELECT max(version) FROM marts.fct_a").fetchone()[0] == 1
    assert report.tables == {"marts.fct_a": 1000, "marts.fct_b": 1, "seeds.five_degree_bands": 1}
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM marts.fct_a").fetchone()[0] == 2
        # and the file's publish information (transforms/publish/ledger.py)
        assert {r[0] for r in con.execute("SELECT schema_name FROM duckdb_tables()").fetchall()} == {
            "marts", "seeds", "wudu_meta"}
    assert not os.access(target, os.W_OK) or os.geteuid() == 0
    assert oct(target.stat().st_mode & 0o777) == "0o444"
    # the file replaced stays as the hidden standby the next publish refreshes (test_incremental_…)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".wudu.duckdb.standby", "build", "wudu.duckdb"]


_FAIL_WHILE_WRITING = """
import resource, signal, sys
from pathlib import Path
from transforms.publish.duckdb_file import publish_duckdb
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)    # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
publish_duckdb(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_write_failure_leaves_no_temp_file_keeps_the_old_file_and_names_the_cause(tmp_path):
    build = small_build(tmp_path / "build" / "b.duckdb", rows=1000)
    target = tmp_path / "pub" / "wudu.duckdb"
    publish_duckdb(build, target)
    before = target.read_bytes()
    small_build(build, marker=2, rows=2_000_000)  # too big for the file-size limit below
    out = subprocess.run([sys.executable, "-c", _FAIL_WHILE_WRITING, str(build), str(target)],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert "PublishError" in last and "too large" in last.split("—")[0].lower(), out.stderr[-2000:]
    assert sorted(p.name for p in target.parent.iterdir()) == ["wudu.duckdb"], "temp file left behind"
    assert target.read_bytes() == before


def test_a_failed_rename_removes_the_new_file(tmp_path):
    build = small_build(tmp_path / "build" / "b.duckdb")
    target = tmp_path / "pub" / "wudu.duckdb"
    (target / "occupied").mkdir(parents=True)  # a non-empty directory where the file goes: rename fails, also as root
    with pytest.raises(PublishError, match="directory"):
        publish_duckdb(build, target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["wudu.duckdb"]
    assert (target / "occupied").is_dir()


def test_temp_files_of_a_killed_publisher_are_removed_by_the_next_publish(tmp_path):
    build = small_build(tmp_path / "build" / "b.duckdb")
    target = tmp_path / "pub" / "wudu.duckdb"
    target.parent.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [target.with_name(f".wudu.duckdb.{dead.pid}.tmp"), target.with_name(f".wudu.duckdb.{dead.pid}.tmp.wal")]
        busy = target.with_name(f".wudu.duckdb.{alive.pid}.tmp")  # another publisher still writing
        for p in [*stale, busy]:
            p.write_bytes(b"half-written")
        publish_duckdb(build, target)
        assert not any(p.exists() for p in stale)
        assert busy.exists()
    finally:
        alive.kill()
        alive.wait()


def test_every_published_model_and_seed_is_named_in_chinese_first():
    """The table comments and the Chinese views' names come from the model/seed descriptions
    (`中文名 · meaning`). Fix: write the Chinese name first in the model's YAML description."""
    from transforms.publish.labels import load_labels

    labels = load_labels()
    assert len(labels) > 30
    assert [f"{s}.{t}" for (s, t), label in labels.items() if not label.zh_name] == []
    marts = [label.zh_name for (s, _), label in labels.items() if s == "marts"]
    assert len(set(marts)) == len(marts), "two marts share a Chinese name"


def test_wudu_publish_reports_the_cause_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    from wudu.cli import main

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dh"))
    assert main(["publish", "--data-dir", str(tmp_path / "data")]) == 1  # no build file yet
    err = capsys.readouterr().err
    assert err.startswith("wudu publish: IO Error") and "does not exist" in err.split("—")[0], err
    assert list((tmp_path / "data" / "warehouse").iterdir()) == []


def _rows(db: Path, sql: str) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _state(db: Path) -> tuple:
    return _rows(db, "SELECT mode, reason, refreshed_windows, latest_day::VARCHAR FROM wudu_meta.publish_state")[0]


def _contents(db: Path) -> dict:
    """Every published table's rows (sorted), table/column comments and the Chinese views' definitions."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name, comment FROM duckdb_tables() "
                             "WHERE schema_name IN ('marts', 'seeds') ORDER BY 1, 2").fetchall()
        out = {f"{s}.{t}": (c, sorted(map(str, con.execute(f'FROM "{s}"."{t}"').fetchall()))) for s, t, c in tables}
        out["columns"] = con.execute("SELECT schema_name, table_name, column_name, data_type, comment FROM "
                                     "duckdb_columns() WHERE schema_name IN ('marts', 'seeds', 'marts_zh') "
                                     "ORDER BY ALL").fetchall()
        out["views"] = con.execute("SELECT schema_name, view_name, sql, comment FROM duckdb_views() "
                                   "WHERE NOT internal ORDER BY ALL").fetchall()
    return out


def test_incremental_publish_replaces_the_noted_days_and_equals_a_full_publish(tmp_path):
    """Steady state: the standby (the file before the current one) gets the days dbt noted since it was
    published, every non-daily table is rewritten, and the result is the full publish, row for row,
    comment for comment, readable by the PyPI CLI. Fix a failure in transforms/publish/duckdb_file.py."""
    manifest = small_manifest(tmp_path / "manifest.json")
    build = small_build(tmp_path / "build" / "b.duckdb")
    target = tmp_path / "pub" / "wudu.duckdb"
    note_window(build, "2026-09-07", "2026-09-11")
    first = publish_duckdb(build, target, manifest)
    assert (first.mode, first.reason) == ("full", "no previous analysts' file to refresh")

    def change(day: str, version: int) -> None:  # a dbt run rebuilding one day and the non-daily tables
        with duckdb.connect(str(build)) as con:
            con.execute(f"UPDATE marts.fct_a SET version = {version} WHERE day = DATE '{day}'")
            con.execute(f"INSERT INTO marts.fct_a VALUES (-{version}, {version}, 0.5, DATE '{day}')")
            con.execute(f"UPDATE marts.fct_b SET version = {version}")
        note_window(build, day, day)

    change("2026-09-08", 2)
    second = publish_duckdb(build, target, manifest)
    assert (second.mode, second.reason) == ("full", "no standby copy yet")  # the first file became the standby
    change("2026-09-10", 3)
    with duckdb.connect(str(build)) as con:  # a new mart and a new column of a daily fact: rewritten whole
        con.execute("CREATE TABLE marts.fct_c AS SELECT 1 AS c")
    third = publish_duckdb(build, target, manifest)
    assert third.mode == "incremental", third.reason
    # the standby held day 09-08 and 09-10 as they were at the first publish: both are refreshed
    assert third.refreshed == [("2026-09-08", "2026-09-08"), ("2026-09-10", "2026-09-10")]
    assert _state(target) == ("incremental", "", "2026-09-08..2026-09-08, 2026-09-10..2026-09-10", "2026-09-11")
    full = publish_duckdb(build, tmp_path / "full" / "wudu.duckdb", manifest, incremental=False)
    assert _contents(target) == _contents(full.path)
    assert third.tables == full.tables and third.tables["marts.fct_a"] == 1002
    assert sorted(p.name for p in target.parent.iterdir()) == [".wudu.duckdb.standby", "wudu.duckdb"]

    out = subprocess.run([_duckdb_cli(), "-readonly", "-csv", str(target), "-c",
                          "SELECT count(*), max(version) FROM marts.fct_a"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "1002,3", out.stderr

    # a day changed behind the ledger's back is not looked for (the ledger is the contract) …
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE marts.fct_a SET version = 9 WHERE day = DATE '2026-09-11'")
    note_window(build, "2026-09-09", "2026-09-09")
    assert publish_duckdb(build, target, manifest).mode == "incremental"
    assert _rows(target, "SELECT max(version) FROM marts.fct_a WHERE day = DATE '2026-09-11'") == [(1,)]
    # … but one whose row count changed is caught by the per-day counts, and the file is written whole
    with duckdb.connect(str(build)) as con:
        con.execute("DELETE FROM marts.fct_a WHERE day = DATE '2026-09-07' AND id < 10")
    fallback = publish_duckdb(build, target, manifest)
    assert fallback.mode == "full" and "per-day row counts differ" in fallback.reason and "marts.fct_a" in fallback.reason
    assert _rows(target, "SELECT count(*), max(version) FROM marts.fct_a WHERE day = DATE '2026-09-11'") == [(200, 9)]


def test_a_standby_still_open_or_a_rebuilt_build_file_means_a_full_publish(tmp_path):
    manifest = small_manifest(tmp_path / "manifest.json")
    build = small_build(tmp_path / "build" / "b.duckdb")
    target = tmp_path / "pub" / "wudu.duckdb"
    note_window(build, "2026-09-07", "2026-09-11")
    publish_duckdb(build, target, manifest)
    analyst = subprocess.Popen(  # another process holding yesterday's file open (DuckDB's lock is per process)
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.execute('SELECT count(*) FROM marts.fct_a').fetchone()[0], flush=True); sys.stdin.read(); "
         "print(c.execute('SELECT count(*) FROM marts.fct_a').fetchone()[0], flush=True)", str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().strip() == "1000"
        publish_duckdb(build, target, manifest)
        note_window(build, "2026-09-08", "2026-09-08")
        report = publish_duckdb(build, target, manifest)
        assert analyst.communicate("done", timeout=60)[0].strip() == "1000"  # their view is unchanged
    finally:
        analyst.kill()
    assert report.mode == "full" and "cannot be opened for writing" in report.reason, report.reason
    assert publish_duckdb(build, target, manifest).mode == "incremental"

    small_build(tmp_path / "new" / "b.duckdb")  # the build file rebuilt: a new ledger, the same window ids
    note_window(tmp_path / "new" / "b.duckdb", "2026-09-07", "2026-09-11")
    for _ in range(2):
        note_window(tmp_path / "new" / "b.duckdb", "2026-09-08", "2026-09-08")
    report = publish_duckdb(tmp_path / "new" / "b.duckdb", target, manifest)
    assert report.mode == "full" and "build file was rebuilt" in report.reason, report.reason


_FAIL_WHILE_REFRESHING = """
import resource, signal, sys
from pathlib import Path
from transforms.publish.duckdb_file import publish_duckdb
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[4]), int(sys.argv[4])))
publish_duckdb(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
"""


def test_a_refresh_that_fails_leaves_the_standby_and_the_analysts_file_as_they_were(tmp_path):
    manifest = small_manifest(tmp_path / "manifest.json")
    build = small_build(tmp_path / "build" / "b.duckdb", rows=1000)
    target = tmp_path / "pub" / "wudu.duckdb"
    standby = target.with_name(".wudu.duckdb.standby")
    note_window(build, "2026-09-07", "2026-09-11")
    for _ in range(2):
        publish_duckdb(build, target, manifest)
    before = {p.name: p.read_bytes() for p in target.parent.iterdir()}
    contents_before = _contents(standby)
    with duckdb.connect(str(build)) as con:  # far too many new rows for the file-size limit below
        con.execute("INSERT INTO marts.fct_a SELECT hash(i) % 1000000007, 2, random(), DATE '2026-09-09' "
                    "FROM range(2000000) t(i)")
    note_window(build, "2026-09-09", "2026-09-09")
    limit = max(len(b) for b in before.values()) + 100_000
    out = subprocess.run([sys.executable, "-c", _FAIL_WHILE_REFRESHING, str(build), str(target), str(manifest),
                          str(limit)], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
                         timeout=300)
    assert out.returncode != 0 and "PublishError" in out.stderr.strip().splitlines()[-1], out.stderr[-2000:]
    # no WAL or temp file left; both files hold what they held (the standby's free blocks may differ)
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(before)
    assert target.read_bytes() == before["wudu.duckdb"]
    assert _contents(standby) == contents_before
    report = publish_duckdb(build, target, manifest)  # and the next night refreshes the standby as usual
    assert report.mode == "incremental" and report.tables["marts.fct_a"] == 2_001_000
    assert standby.exists()
