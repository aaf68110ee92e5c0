"""Helpers for the dbt tests: a raw schema built from transforms/contracts.yaml and a dbt runner.

The raw layout is the contract of docs/conventions.md: one table raw.<source>__<table> per contract
table, contract columns typed per the contract (personal data only as <name>_hash), plus the
metadata columns, and the loader's raw.quarantine / raw.file_manifest.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

import duckdb

from transforms.contracts import META_COLUMNS, all_tables
from transforms.loader import ensure_raw_schema

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"

def raw_tables() -> dict[str, list[tuple[str, str]]]:
    """'roster__orgs' -> [(column, duckdb type), ...] from the contract, metadata columns last."""
    return {t.raw_table.split(".", 1)[1]: [(c.stored_name, c.duckdb_type) for c in t.columns] + META_COLUMNS
            for t in all_tables()}


def create_raw_schema(con) -> None:
    """Every raw table of the contract (empty) plus raw.quarantine and raw.file_manifest, exactly as
    the loader creates them."""
    ensure_raw_schema(con)


def insert(con, table: str, day: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert contract rows into raw.<table> as the loader would for landing day `day`.

    Unknown keys raise; missing contract columns are NULL; metadata columns are filled.
    """
    cols = [c for c, _ in raw_tables()[table]]
    source = table.split("__")[0]
    n = 0
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(cols)
        if unknown:
            raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
        values = dict(row)
        values.setdefault("_partition_day", day)
        values.setdefault("_source_file", f"{source}/{day}/{table.split('__')[1]}")
        values.setdefault("_row_number", i)
        values.setdefault("_loaded_at", datetime(2000, 1, 1))
        names = list(values)
        con.execute(
            f"INSERT INTO raw.{table} ({', '.join(chr(34) + c + chr(34) for c in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [values[c] for c in names],
        )
        n += 1
    return n


def delete_day(con, table: str, day: str) -> None:
    """What the loader does before re-loading a landing day."""
    con.execute(f"DELETE FROM raw.{table} WHERE _partition_day = ?", [day])


def dbt_executable() -> str:
    """The dbt of the running interpreter's environment (the project venv)."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    args: list[str],
    db_path: Path,
    work_dir: Path,
    vars: Mapping[str, str] | None = None,
    check: bool = True,
    window: tuple[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run dbt against db_path with target/log paths under work_dir (parallel runs never collide).
    `window` (min_day, max_day) is passed as Dagster passes it, in WUDU_MIN_DAY / WUDU_MAX_DAY;
    `vars` as on the command line by hand."""
    cmd = [
        dbt_executable(), *args,
        "--project-dir", str(DBT_DIR),
        "--profiles-dir", str(DBT_DIR),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
    ]
    if vars:
        cmd += ["--vars", json.dumps(dict(vars))]
    env = {
        **os.environ,
        "WUDU_BUILD_DB": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    for k in ("WUDU_MIN_DAY", "WUDU_MAX_DAY"):
        env.pop(k, None)
    if window:
        env.update(WUDU_MIN_DAY=window[0], WUDU_MAX_DAY=window[1])
    proc = subprocess.run(cmd, cwd=DBT_DIR, env=env, capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-20000:]}\n{proc.stderr[-5000:]}"
        )
    return proc


def as_date(value: str) -> date:
    return date.fromisoformat(value)


def insert_school_frame(con, day: str) -> None:
    """The roster around the rows a test is about, as the loader writes it for `day`: district D1,
    school S1 (初中), term TERM1 (秋季学期 2026-09-01..2027-01-20) and class C1 (七年级1班)."""
    insert(con, "roster__orgs", day, [
        {"sourced_id": "D1", "name": "示例区", "type": "district"},
        {"sourced_id": "S1", "name": "一中", "type": "school", "parent_sourced_id": "D1", "stage": "初中"},
    ])
    insert(con, "roster__academic_sessions", day, [
        {"sourced_id": "TERM1", "title": "秋季学期", "type": "term", "start_date": "2026-09-01",
         "end_date": "2027-01-20", "school_year": 2027},
    ])
    insert(con, "roster__classes", day, [
        {"sourced_id": "C1", "title": "七年级1班", "grades": "07", "class_type": "homeroom", "school_sourced_id": "S1"},
    ])


def full_refresh_copy(db_path: Path, work_dir: Path, select: list[str]) -> Path:
    """A copy of the build file rebuilt with `select` + --full-refresh (the wide default window):
    what window runs must equal."""
    ref = work_dir / "full.duckdb"
    shutil.copyfile(db_path, ref)
    run_dbt(select + ["--full-refresh"], ref, work_dir / "full")
    return ref


def empty_build(work_dir: Path) -> Path:
    """A new build file in `work_dir` holding the empty raw schema, as before a first landing."""
    db = work_dir / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        create_raw_schema(con)
    return db
