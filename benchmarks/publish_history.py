"""Does the nightly publish cost grow with the days the warehouse holds? Full vs incremental publish
of one build file given 1, then N days of history.

    python benchmarks/publish_history.py --build /work/city/run_s24d/warehouse/build/wudu_build.duckdb \
        --days 1 5 10

For each history length it copies the build file to a temp dir, repeats every daily fact's rows on
the following days (day + 1 … day + N-1: the facts of a longer term, same shape), then publishes as
the nights would: a full publish, a second one (the first file becomes the standby), and two nights
that each re-run the last day (noted in the dbt ledger as dbt would). Prints seconds and file sizes.
With `--postgres`, each night also copies the analysts' file to a throw-away PostgreSQL server (the
first copy full, then incremental). Results are written down in docs/benchmarks.md (never asserted
in tests)."""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from tests.postgres_server import postgres_server  # noqa: E402
from tests.publish_fixtures import note_window  # noqa: E402  (what dbt's on-run-start hook writes)
from transforms.publish.ledger import daily_tables  # noqa: E402


_PUBLISH = """
import json, sys
from pathlib import Path
from transforms.publish.duckdb_file import publish_duckdb
r = publish_duckdb(Path(sys.argv[1]), Path(sys.argv[2]))
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"mode": r.mode, "seconds": round(r.seconds, 1), "bytes": r.bytes, "reason": r.reason,
                  "peak_rss_mb": hwm // 1024}))
"""

_PUBLISH_PG = """
import json, sys
from pathlib import Path
from transforms.publish.postgres import publish_postgres
r = publish_postgres(Path(sys.argv[1]), sys.argv[2])
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"mode": r.mode, "seconds": round(r.seconds, 1), "rows": sum(r.tables.values()), "reason": r.reason,
                  "peak_rss_mb": hwm // 1024}))
"""


def _child(code: str, *args: str) -> dict:
    # in a child process, whose VmHWM is the publish's own peak (ru_maxrss would carry the parent's
    # over the fork: docs/benchmarks.md, "Large JSONL")
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    return json.loads(out.strip().splitlines()[-1])  # after any progress line


def history_parser(doc: str | None, default_days: list[int]) -> argparse.ArgumentParser:
    """The options every history benchmark takes: the city build file, the history lengths, scratch."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="a build file (e.g. a city day's) to start from")
    ap.add_argument("--days", type=int, nargs="+", default=default_days, help="days of history to measure")
    ap.add_argument("--tmp", default=None, help="scratch directory (default: the system's)")
    return ap


def extend_history(build: Path, days: int, vary: dict[str, list[str]] | None = None,
                   shift_times: bool = False) -> tuple[str, str, int]:
    """Repeat the daily facts' rows on the next days-1 days; returns (first day, last day, fact rows).
    `vary`: table -> columns given a per-day suffix on the copies (keys that must stay unique).
    `shift_times`: the copies' other dates and timestamps move with their day (otherwise every copy
    happened on the first day: the data horizon stays there, and what is judged against it — a
    submission's feedback window — is as if every copy had been delivered that day)."""
    daily = daily_tables()
    with duckdb.connect(str(build)) as con:
        con.execute("SET preserve_insertion_order = false")
        first, rows = None, 0
        for (schema, table), column in daily.items():
            rel, day = f'"{schema}"."{table}"', f'"{column}"'
            lo = con.execute(f"SELECT min({day}) FROM {rel}").fetchone()[0]
            if lo is None:
                continue
            first = min(first or lo, lo)
            times = [c for c, t in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                [schema, table]).fetchall() if c != column and (t == "DATE" or t.startswith("TIMESTAMP"))]
            for k in range(1, days):
                varied = "".join(f', "{c}" || \'|+{k}\' AS "{c}"' for c in (vary or {}).get(table, []))
                varied += "".join(f', "{c}" + INTERVAL {k} DAY AS "{c}"' for c in (times if shift_times else []))
                con.execute(f"INSERT INTO {rel} SELECT * REPLACE (({day} + {k})::DATE AS {day}{varied}) FROM {rel} "
                            f"WHERE {day} = DATE '{lo}'")
            rows += con.execute(f"SELECT count(*) FROM {rel}").fetchone()[0]
        con.execute("CHECKPOINT")
    last = str(first + timedelta(days=days - 1))
    return str(first), last, rows


def main() -> None:
    ap = history_parser(__doc__, default_days=[1, 5])
    ap.add_argument("--postgres", action="store_true", help="also copy to PostgreSQL each night")
    args = ap.parse_args()
    results = []
    for days in args.days:
        with ExitStack() as stack:
            pg_url = stack.enter_context(postgres_server()) if args.postgres else None
            results.append(_history(args, days, pg_url))
    print(json.dumps(results, indent=2, ensure_ascii=False))


def _history(args: argparse.Namespace, days: int, pg_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        build, target = Path(tmp) / "build.duckdb", Path(tmp) / "pub" / "wudu.duckdb"
        shutil.copyfile(args.build, build)
        started = time.monotonic()
        first, last, rows = extend_history(build, days)
        row = {"history_days": days, "daily_fact_rows": rows, "build_bytes": build.stat().st_size,
               "extend_s": round(time.monotonic() - started, 1), "nights": []}
        note_window(build, first, last)
        for night in range(4):
            if night:
                note_window(build, last, last)  # the night re-ran its last day
            row["nights"].append(_child(_PUBLISH, str(build), str(target)))
            if pg_url:
                row["nights"][-1]["postgres"] = _child(_PUBLISH_PG, str(target), pg_url)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        return row


if __name__ == "__main__":
    main()
