"""What publishing the analysts' warehouse costs: before (a copy of the whole build file) and after
(the analyst-facing schemas only, DuckDB 1.4 format, labelled; optionally PostgreSQL).

    make run                                         # the demo district (SCALE=district, 5 days)
    python benchmarks/publish_cost.py --data-dir data [--pg-url postgresql+psycopg://…]

Works on a copy of the build file in a temp dir, so the real warehouse is not touched.
Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from transforms.publish.duckdb_file import publish_duckdb  # noqa: E402
from transforms.settings import paths  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="data")
    ap.add_argument("--pg-url", help="also publish to this PostgreSQL (SQLAlchemy URL)")
    args = ap.parse_args()
    build = paths(args.data_dir).build_db
    if not build.exists():
        sys.exit(f"no build warehouse at {build}: run `make run` first")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "build.duckdb"
        shutil.copyfile(build, work)
        with duckdb.connect(str(work), read_only=True) as con:
            layers = dict(con.execute("SELECT schema_name, sum(estimated_size) FROM duckdb_tables() "
                                      "GROUP BY 1 ORDER BY 1").fetchall())
        started = time.monotonic()  # before: checkpoint + copy of the whole build file
        with duckdb.connect(str(work)) as con:
            con.execute("CHECKPOINT")
        shutil.copyfile(work, Path(tmp) / "copy.duckdb")
        before = {"seconds": round(time.monotonic() - started, 2), "bytes": (Path(tmp) / "copy.duckdb").stat().st_size}
        report = publish_duckdb(work, Path(tmp) / "wudu.duckdb")
        after = {"seconds": round(report.seconds, 2), "bytes": report.bytes, "tables": len(report.tables),
                 "views": len(report.views), "unlabelled": len(report.unlabelled)}
        result = {"build_bytes": build.stat().st_size, "rows_by_schema": layers, "before_copy": before,
                  "after_publish": after}
        if args.pg_url:
            from transforms.publish.postgres import publish_postgres

            pg = publish_postgres(Path(tmp) / "wudu.duckdb", args.pg_url)
            result["postgres"] = {"seconds": round(pg.seconds, 2), "tables": len(pg.tables)}
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
