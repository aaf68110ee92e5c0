"""Where one model's time goes on a city build with history: DuckDB's profile of its SELECT.

    python benchmarks/model_profile.py --build /work/city/run_s25/warehouse/build/wudu_build.duckdb \
        --days 10 --work /work/city/profile10 --model int_student_five_degree_components

Makes (once; kept in --work for the next call) a copy of the build file whose daily facts hold
`--days` days (publish_history.extend_history, with times shifted as in dbt_history --shift-times)
and runs the models upstream of the model on it (a night for the first day: the daily facts' other
days stay, the rest is rebuilt from all of them), compiles the model with dbt against it (`--dbt-dir`: another checkout's project, for a before/after),
runs the compiled SELECT under DuckDB's profiler with the build's memory cap, and prints the
total, the operators that took longest (with the table, CTE, join or grouping they belong to) and
the row count. `--compare` also checks the result equals another checkout's (EXCEPT ALL both ways).
`--as-is` profiles a build that already holds its history (e.g. a backfill's) in place, read-only.
Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dbt_history import NATURAL_IDS  # noqa: E402
from benchmarks.dbt_tests_history import unique_keys  # noqa: E402
from benchmarks.publish_history import extend_history  # noqa: E402

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
LABEL_KEYS = ("Table", "CTE Name", "Conditions", "Groups", "Aggregates", "Join Type")


def extended_copy(build: Path, days: int, work: Path, model: str) -> Path:
    """work/wudu_build.duckdb holding `days` days, the models upstream of `model` rebuilt on them (made
    once per model; dbt-duckdb names the database after the file)."""
    copy = work / "wudu_build.duckdb"
    extended, upstream = work / f"extended_{days}_days", work / f"upstream_of_{model}"
    if not extended.exists():
        work.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build, copy)
        vary = {t: cols + NATURAL_IDS.get(t, []) for t, cols in unique_keys().items()}
        started = time.monotonic()
        first, _, _ = extend_history(copy, days, vary=vary, shift_times=True)
        extended.write_text(f"{first}\n{time.monotonic() - started:.0f} s\n")
        upstream.unlink(missing_ok=True)
    if not upstream.exists():
        first = extended.read_text().split()[0]
        dbt = str(Path(sys.executable).parent / "dbt")
        env = dict(os.environ, WUDU_BUILD_DB=str(copy), WUDU_MIN_DAY=first, WUDU_MAX_DAY=first)
        started = time.monotonic()
        out = subprocess.run([dbt, "run", "--select", f"+{model}", "--exclude", model, "--profiles-dir", str(DBT_DIR),
                              "--target-path", str(work / "target_upstream")], cwd=DBT_DIR, env=env,
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit(f"dbt run of the models upstream of {model} failed:\n{out.stdout[-3000:]}")
        upstream.write_text(f"{time.monotonic() - started:.0f} s\n")
    return copy


def compiled_select(dbt_dir: Path, model: str, build: Path, target: Path) -> str:
    dbt = str(Path(sys.executable).parent / "dbt")
    env = dict(os.environ, WUDU_BUILD_DB=str(build))
    out = subprocess.run([dbt, "compile", "--select", model, "--profiles-dir", str(dbt_dir), "--target-path",
                          str(target), "--quiet"], cwd=dbt_dir, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"dbt compile failed in {dbt_dir}:\n{out.stdout[-3000:]}{out.stderr[-2000:]}")
    return next(target.glob(f"compiled/**/{model}.sql")).read_text()


def operators(node: dict, depth: int = 0):
    """(seconds, rows, depth, label) of every operator in the profile tree."""
    info = node.get("extra_info") or {}
    label = node.get("name", "?") + "".join(
        f" {k}={str(info[k]).replace(chr(10), ' ')[:90]}" for k in LABEL_KEYS if k in info)
    yield node.get("timing", 0.0), node.get("intermediate_rows", 0), depth, label
    for child in node.get("children", []):
        yield from operators(child, depth + 1)


def profile(con: duckdb.DuckDBPyConnection, sql: str, scratch: Path, name: str, top: int) -> dict:
    """Run `sql` into the temp table result_<name> under the profiler; its time, rows, memory and slowest operators."""
    out = scratch / f"profile_{name}.json"
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{out}'")
    started = time.monotonic()
    con.execute(f"CREATE OR REPLACE TEMP TABLE result_{name} AS {sql}")
    seconds = time.monotonic() - started
    con.execute("PRAGMA disable_profiling")
    rows = con.execute(f"SELECT count(*) FROM result_{name}").fetchone()[0]
    prof = json.loads(out.read_text())
    ops = sorted((op for root in prof["operator"] for op in operators(root)), reverse=True)
    return {"seconds": round(seconds, 1), "rows": rows,
            "peak_buffer_mb": prof.get("system", {}).get("peak_buffer_memory", 0) >> 20,
            "spilled_mb": prof.get("system", {}).get("total_bytes_spilled", 0) >> 20,
            "slowest_operators": [(round(s, 2), r, label) for s, r, _, label in ops[:top]]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="a city day's build file to start from")
    ap.add_argument("--days", type=int, default=10, help="days of history in the copy")
    ap.add_argument("--as-is", action="store_true",
                    help="profile on --build itself, read-only (a build that already holds its history, e.g. a "
                         "backfill's; named wudu_build.duckdb): no copy, no upstream run")
    ap.add_argument("--work", required=True, help="where the extended copy is kept between calls (and the profiles)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--dbt-dir", default=str(DBT_DIR), help="the dbt project that compiles the model")
    ap.add_argument("--compare", help="another dbt project: its result must equal this one's")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    build = Path(args.build) if args.as_is else extended_copy(Path(args.build), args.days, work, args.model)
    runs = {"this": Path(args.dbt_dir)} | ({"other": Path(args.compare)} if args.compare else {})
    # compiled first: dbt opens the file for writing, which a read-only connection would block
    sqls = {name: compiled_select(d.resolve(), args.model, build, work / f"target_{name}") for name, d in runs.items()}
    with duckdb.connect(str(build), read_only=args.as_is) as con:
        con.execute("SET memory_limit = '1GB'")  # dbt_project/profiles.yml's cap
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET temp_directory = '{work / 'duckdb_tmp'}'")
        for name, dbt_dir in runs.items():
            result = profile(con, sqls[name], work, name, args.top)
            head = {k: v for k, v in result.items() if k != "slowest_operators"}
            print(json.dumps({"model": args.model, "history": "as is" if args.as_is else f"{args.days} days",
                              "dbt_dir": str(dbt_dir), **head}), flush=True)
            for seconds, rows, label in result["slowest_operators"]:
                print(f"  {seconds:8.2f} s {rows:>13,} rows  {label}", flush=True)
        if args.compare:
            only = [con.execute(f"SELECT count(*) FROM (SELECT * FROM result_{a} EXCEPT ALL "
                                f"SELECT * FROM result_{b})").fetchone()[0]
                    for a, b in (("this", "other"), ("other", "this"))]
            print(json.dumps({"rows_only_in_this": only[0], "rows_only_in_other": only[1]}))


if __name__ == "__main__":
    main()
