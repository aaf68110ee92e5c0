"""What Great Expectations adds per partition, against the same rules as plain DuckDB SQL.

    python benchmarks/validation_cost.py --rows 2000000      # a city-scale platform day
    python benchmarks/validation_cost.py --demo district     # one demo-district day, every table
    python benchmarks/validation_cost.py --demo district --engines sql   # one GX engine (its peak RSS alone)

For each table: (a) landing = read + type + SQL rules + quarantine split (transforms.loader),
(b) GX = the contract suite over the day's typed batch, per engine (`--engines`, default both):
sql = GX's SQL datasource on the loader's DuckDB connection (the default), pandas = the batch
pulled into pandas (chunked above 500k rows),
(c) plain SQL = the same per-rule unexpected counts as one aggregate query over the typed batch.
Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("WUDU_DEMO", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from expectations.runner import SuiteRunner  # noqa: E402
from expectations.runner import validate_batch  # noqa: E402
from transforms.contracts import load_contracts  # noqa: E402
from transforms.loader import load_source_day  # noqa: E402
from transforms.rules import q  # noqa: E402

DAY = "2026-09-08"
VERBS = ["answered", "submitted", "scored", "experienced", "downloaded"]


def write_city_day(landing: Path, rows: int, students: int = 1_000_000) -> None:
    """Roster ids and a day of xAPI statements shaped like the platform's export."""
    rday = landing / "roster" / DAY
    rday.mkdir(parents=True)
    (rday / "orgs.csv").write_text("sourcedId,name,type\nd1,市,district\ns1,学校,school\n", encoding="utf-8")
    with open(rday / "users.csv", "w", encoding="utf-8") as fh:
        fh.write("sourcedId,role,primaryOrgSourcedId\n")
        fh.writelines(f"u{i},student,s1\n" for i in range(students))
    (rday / "classes.csv").write_text("sourcedId,title,schoolSourcedId\n" + "".join(f"k{i},班,s1\n" for i in range(20000)),
                                      encoding="utf-8")
    pday = landing / "platform" / DAY
    pday.mkdir(parents=True)
    rnd = random.Random(7)
    with open(pday / "statements.jsonl", "w", encoding="utf-8") as fh:
        for i in range(rows):
            verb = VERBS[i % len(VERBS)]
            st = {"id": f"st{i}", "actor": {"account": {"name": f"u{rnd.randrange(students)}"}},
                  "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                  "object": {"id": f"http://wudu.local/question/{i % 5000}",
                             "definition": {"type": "http://wudu.local/activitytype/question"}},
                  "result": {"score": {"scaled": round(rnd.random(), 3)}, "success": rnd.random() < 0.7,
                             "duration": f"PT{rnd.randrange(1, 40)}M"},
                  "context": {"extensions": {"http://wudu.local/xapi/class": f"k{rnd.randrange(20000)}",
                                             "http://wudu.local/xapi/subject": "数学"}},
                  "timestamp": f"{DAY}T{8 + i % 12:02d}:{i % 60:02d}:00+08:00"}
            fh.write(json.dumps(st, ensure_ascii=False) + "\n")


def plain_sql_counts(con, table, batch: str) -> float:
    """The suite's row rules as one aggregate over the typed batch."""
    parts = []
    for c in table.columns:
        col = q(c.stored_name)
        if c.required:
            parts.append(f"count(*) FILTER (WHERE {col} IS NULL)")
        if c.allowed is not None:
            vals = ", ".join("'" + v + "'" for v in c.allowed)
            parts.append(f"count(*) FILTER (WHERE {col} NOT IN ({vals}))")
        if c.min is not None or c.max is not None:
            parts.append(f"count(*) FILTER (WHERE {col} < {c.min if c.min is not None else '-1e308'} "
                         f"OR {col} > {c.max if c.max is not None else '1e308'})")
        if c.references:
            parts.append(f"count(*) FILTER (WHERE {q(c.name + '__in_roster')} = false)")
    key = ", ".join(q(k) for k in table.key)
    parts.append(f"count(*) - count(DISTINCT ({key}))")
    started = time.monotonic()
    con.execute(f"SELECT {', '.join(parts)} FROM {batch}").fetchall()
    return time.monotonic() - started


def measure(landing: Path, sources: list[str], engines: list[str]) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        for source in sources:
            started = time.monotonic()
            rep = load_source_day(con, landing, source, DAY)
            land_s = time.monotonic() - started
            runner = SuiteRunner(None)
            for t in load_contracts()[source].tables.values():
                batch = f"_gx_batch__{t.name}"
                if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                                   [batch]).fetchone()[0]:
                    continue
                rows = con.execute(f"SELECT count(*) FROM {batch}").fetchone()[0]
                sql_s = plain_sql_counts(con, t, batch)
                gx_s = {}
                for engine in engines:
                    started = time.monotonic()
                    validate_batch(con, runner, batch, t, DAY, None, engine=engine)
                    gx_s[engine] = round(time.monotonic() - started, 2)
                out.append({"table": t.qualified, "rows": rows, "land_s": round(land_s, 2),
                            "gx_s": gx_s, "plain_sql_s": round(sql_s, 3), "files": len(rep.files)})
                land_s = 0.0  # landing time is per source: reported on its first table
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=0, help="synthetic city-scale xAPI rows for one day")
    ap.add_argument("--demo", choices=["tiny", "district"], help="one day of the demo district instead")
    ap.add_argument("--engines", default="sql,pandas", help="GX engines to time, comma-separated (sql, pandas)")
    args = ap.parse_args()
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp) / "landing"
        if args.demo:
            from transforms.demo import generate_demo_district

            generate_demo_district(Path(tmp), dt.date(2026, 9, 7), 2, scale=args.demo)
            results = measure(landing, ["roster", "platform", "training"], engines)
        else:
            write_city_day(landing, args.rows)
            size = (landing / "platform" / DAY / "statements.jsonl").stat().st_size
            print(f"statements.jsonl: {size / 1e6:.0f} MB")
            results = measure(landing, ["roster", "platform"], engines)
    print("| table | rows | landing incl. SQL rules (s) | " + " | ".join(f"GX suite, {e} (s)" for e in engines)
          + " | same rules as plain SQL (s) |")
    print("|---|---|---|" + "---|" * len(engines) + "---|")
    for r in results:
        print(f"| {r['table']} | {r['rows']:,} | {r['land_s']} | " + " | ".join(str(r["gx_s"][e]) for e in engines)
              + f" | {r['plain_sql_s']} |")
    print("| **total** | {:,} | {:.2f} | ".format(sum(r["rows"] for r in results), sum(r["land_s"] for r in results))
          + " | ".join(f"{sum(r['gx_s'][e] for r in results):.2f}" for e in engines)
          + f" | {sum(r['plain_sql_s'] for r in results):.3f} |")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
