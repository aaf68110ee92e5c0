"""Do a night's roster models grow with the roster snapshots the warehouse holds?

    python benchmarks/roster_history.py --build /work/city/run_s25/warehouse/build/wudu_build.duckdb \
        --days 1 10

Every day the roster arrives as a full OneRoster snapshot (a city: 1.0M users, 3.6M enrollments) and
the raw tables keep each day's. For each history length this copies a city day's build file and
puts N-1 earlier snapshots of users and enrollments before the day it holds (the same rows with a
little daily churn: 0.2% of enrollments flip 主讲, 0.2% of users change title, 0.1% of each are
missing that day), then builds the roster models and their data tests (`dbt build --select
path:models/core/prep`) for the original day — the night's window — twice: the first run also builds
whatever is not built yet (a new incremental model starts from every snapshot), the second is the
next night's. Reports dbt's time, its models' and its tests' (run_results.json). Results are written
down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from benchmarks.dbt_history import night  # noqa: E402
from benchmarks.publish_history import history_parser  # noqa: E402

# per earlier snapshot k: which rows change and how (hash buckets of the key, so they differ by day)
_CHURN = {
    "roster__enrollments": "case when hash(sourced_id, {k}) % 500 = 0 then not coalesce(is_primary, false)"
                           " else is_primary end as is_primary",
    "roster__users": "case when hash(sourced_id, {k}) % 500 = 0 then coalesce(title, '') || '·{k}'"
                     " else title end as title",
}


def extend_snapshots(build: Path, days: int) -> tuple[str, dict[str, int]]:
    """Put days-1 earlier snapshots of users and enrollments before the day the file holds."""
    rows = {}
    with duckdb.connect(str(build)) as con:
        con.execute("SET preserve_insertion_order = false")
        for table, churn in _CHURN.items():
            (day,) = con.execute(f"select max(_partition_day) from raw.{table}").fetchone()
            for k in range(1, days):
                con.execute(f"""insert into raw.{table}
                    select * replace (_partition_day - {k} as _partition_day, {churn.format(k=k)})
                    from raw.{table}
                    where _partition_day = ? and hash(sourced_id, {k}, 'missing') % 1000 <> 0""", [day])
            rows[table] = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
    return day.isoformat(), rows


def roster_night(build: Path, day: str, target: Path) -> dict:
    """The night's roster models and their data tests: dbt's seconds, each model's and test's."""
    run = night(build, day, target, select=("--select", "path:models/core/prep"))
    kinds: dict[str, dict[str, float]] = {"model": {}, "test": {}}
    for uid, (seconds, _) in run["nodes"].items():
        kinds.setdefault(uid.split(".")[0], {})[uid.split(".")[-1]] = round(seconds, 2)
    return {"dbt_seconds": round(run["seconds"], 1), "exit_code": run["exit_code"], "not_passed": run["not_passed"],
            "models_seconds": round(sum(kinds["model"].values()), 1),
            "tests_seconds": round(sum(kinds["test"].values()), 1), **kinds}


def main() -> None:
    args = history_parser(__doc__, default_days=[1, 10]).parse_args()
    for days in args.days:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            build = Path(tmp) / "wudu_build.duckdb"  # dbt-duckdb names the database after the file
            shutil.copyfile(args.build, build)
            day, rows = extend_snapshots(build, days)
            first = roster_night(build, day, Path(tmp) / "target")
            second = roster_night(build, day, Path(tmp) / "target")
            print(json.dumps({"snapshots_held": days, "raw_rows": rows, "first_run": first, "next_night": second},
                             ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
