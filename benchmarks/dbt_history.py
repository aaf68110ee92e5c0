"""Does a night's dbt build grow with the days the warehouse holds?

    python benchmarks/dbt_history.py --build /work/city/run_s25/warehouse/build/wudu_build.duckdb \
        --days 1 10

For each history length it copies a city day's build file, repeats every daily fact's rows on the
following days (benchmarks/publish_history.py's extend_history; keys and natural ids suffixed per
day, so each copy holds its own sessions, homework and submissions), then
runs the night's `dbt build` for the original day (the one the raw tables hold): the daily facts
rebuild that day, everything else — dims, term components, scores, marts — is rebuilt from every day
held. Reports dbt's time and each model's and test's (run_results.json), slowest first, and what
grew most. `--nights 2` runs the same night twice and compares the second: an incremental model whose
stored table predates its bookkeeping columns (the copied build file's) is rebuilt whole on the first. Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dbt_tests_history import unique_keys  # noqa: E402
from benchmarks.publish_history import extend_history, history_parser  # noqa: E402

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
# the copies' natural ids get the same per-day suffix as their keys, so a copied day holds its own
# sessions, homework and submissions (joins within a copy still match; none across copies)
NATURAL_IDS = {
    "fct_credit_audits": ["audit_id"], "fct_observation_scores": ["observation_id", "session_id"],
    "fct_ledger_entries": ["entry_id"], "fct_student_evaluations": ["response_id"],
    "fct_lesson_sessions": ["session_id"], "fct_training_signins": ["signin_id"], "fct_resource_uses": ["use_id"],
    "fct_survey_responses": ["response_id"],
    "fct_xapi_statements": ["statement_id", "session_id", "assignment_id", "object_id"],
}


def night(build: Path, day: str, target: Path, select: tuple[str, ...] = ()) -> dict:
    """The night's dbt build for `day` on `build` (`select`: e.g. ("--select", "path:…")): dbt's
    seconds and each node's."""
    dbt = str(Path(sys.executable).parent / "dbt")
    env = dict(os.environ, WUDU_BUILD_DB=str(build), WUDU_MIN_DAY=day, WUDU_MAX_DAY=day)
    started = time.monotonic()
    out = subprocess.run([dbt, "build", *select, "--exclude", "resource_type:unit_test", "--profiles-dir",
                          str(DBT_DIR), "--target-path", str(target)], cwd=DBT_DIR, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = {r["unique_id"]: (r["execution_time"], r["status"]) for r in results}
    errors = [line for line in out.stdout.splitlines() if "Error" in line or "error" in line][:20]
    return {"seconds": seconds, "exit_code": out.returncode, "nodes": nodes, "errors": errors,
            "not_passed": sorted(k for k, (_, s) in nodes.items() if s not in ("pass", "success"))}


def report(days: int, n: int, rows: int, run: dict) -> None:
    kinds = {"model": 0.0, "test": 0.0, "seed": 0.0}
    for uid, (t, _) in run["nodes"].items():
        kinds[uid.split(".")[0]] = kinds.get(uid.split(".")[0], 0.0) + t
    slow = sorted(((t, uid.split(".")[-1]) for uid, (t, _) in run["nodes"].items()), reverse=True)[:10]
    print(json.dumps({"history_days": days, "night": n, "daily_fact_rows": rows, "dbt_seconds": round(run["seconds"], 1),
                      "exit_code": run["exit_code"], "not_passed": run["not_passed"][:10], "errors": run["errors"],
                      "seconds_by_kind": {k: round(v, 1) for k, v in kinds.items()},
                      "slowest": [(round(t, 2), n) for t, n in slow]}, ensure_ascii=False), flush=True)


def main() -> None:
    parser = history_parser(__doc__, default_days=[1, 10])
    parser.add_argument("--nights", type=int, default=1, help="run the night this many times; the last one is compared")
    parser.add_argument("--shift-times", action="store_true",
                        help="the copies' timestamps move with their day (the data horizon advances with the history)")
    args = parser.parse_args()
    runs = {}
    for days in args.days:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            build = Path(tmp) / "wudu_build.duckdb"  # dbt-duckdb names the database after the file
            shutil.copyfile(args.build, build)
            vary = {t: cols + NATURAL_IDS.get(t, []) for t, cols in unique_keys().items()}
            first, _, rows = extend_history(build, days, vary=vary, shift_times=args.shift_times)
            for n in range(1, args.nights + 1):
                run = night(build, first, Path(tmp) / "target")
                report(days, n, rows, run)
            runs[days] = run
    if len(runs) > 1:
        lo, hi = runs[min(runs)], runs[max(runs)]
        grew = sorted(((hi["nodes"][k][0] - lo["nodes"][k][0], k.split(".")[-1], lo["nodes"][k][0], hi["nodes"][k][0])
                       for k in hi["nodes"] if k in lo["nodes"]), reverse=True)[:12]
        print(json.dumps({"grew_most": [(n, round(a, 2), round(b, 2)) for _, n, a, b in grew]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
