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

from tests.publish_fixtures import small_build
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
        assert schemas == {"marts", "seeds", "marts_zh"}, schemas
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
                              "WHERE schema_name IN ('marts', 'seeds', 'marts_zh')").fetchall()
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
        assert {r[0] for r in con.execute("SELECT schema_name FROM duckdb_tables()").fetchall()} == {"marts", "seeds"}
    assert not os.access(target, os.W_OK) or os.geteuid() == 0
    assert oct(target.stat().st_mode & 0o777) == "0o444"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "wudu.duckdb"]


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
