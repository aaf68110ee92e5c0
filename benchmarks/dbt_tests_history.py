"""Do the nightly dbt data tests on the daily facts grow with the days the warehouse holds?

    python benchmarks/dbt_tests_history.py --build /work/city/run_s25/warehouse/build/wudu_build.duckdb \
        --days 1 10

For each history length it copies the build file, repeats every daily fact's rows on the following
days (as benchmarks/publish_history.py does; the copies' unique keys get a per-day suffix, so the
`unique` tests still pass), then runs `dbt test --select tag:daily` — the tests attached to the daily
facts, which a night's `dbt build` runs over every day held — and reports dbt's time and the slowest
tests (from run_results.json). Results are written down in docs/benchmarks.md."""
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

from benchmarks.publish_history import extend_history, history_parser  # noqa: E402
from transforms.publish.labels import MANIFEST  # noqa: E402

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


def unique_keys() -> dict[str, list[str]]:
    """Daily fact -> the columns its `unique` tests protect (from dbt's manifest)."""
    nodes = json.loads(MANIFEST.read_text(encoding="utf-8"))["nodes"]
    daily = {n["unique_id"]: n["name"] for n in nodes.values()
             if n.get("resource_type") == "model" and n["config"].get("materialized") == "incremental"}
    out: dict[str, list[str]] = {}
    for n in nodes.values():
        meta = n.get("test_metadata") or {}
        if n.get("resource_type") == "test" and meta.get("name") in ("unique", "unique_in_window") \
                and n.get("attached_node") in daily:
            out.setdefault(daily[n["attached_node"]], []).append(meta["kwargs"]["column_name"])
    return out


def main() -> None:
    args = history_parser(__doc__, default_days=[1, 10]).parse_args()
    dbt = str(Path(sys.executable).parent / "dbt")
    for days in args.days:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            build = Path(tmp) / "wudu_build.duckdb"  # dbt-duckdb names the database after the file
            shutil.copyfile(args.build, build)
            first, last, rows = extend_history(build, days, vary=unique_keys())
            env = dict(os.environ, WUDU_BUILD_DB=str(build), WUDU_MIN_DAY=last, WUDU_MAX_DAY=last)
            started = time.monotonic()
            out = subprocess.run([dbt, "test", "--select", "tag:daily", "--profiles-dir", str(DBT_DIR),
                                  "--target-path", str(Path(tmp) / "target")], cwd=DBT_DIR, env=env,
                                 capture_output=True, text=True)
            seconds = time.monotonic() - started
            results = json.loads((Path(tmp) / "target" / "run_results.json").read_text())["results"]
            slow = sorted(((r["execution_time"], r["unique_id"].split(".")[2], r["status"]) for r in results),
                          reverse=True)
            print(json.dumps({
                "history_days": days, "daily_fact_rows": rows, "dbt_test_seconds": round(seconds, 1),
                "tests": len(results), "sum_of_test_seconds": round(sum(r["execution_time"] for r in results), 1),
                "not_passed": [s for s in slow if s[2] not in ("pass", "success")], "exit_code": out.returncode,
                "slowest": [(round(t, 2), name) for t, name, _ in slow[:6]],
            }, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
