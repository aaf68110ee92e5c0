"""How long the 五度 reports take to render on a built warehouse (the demo district after `make run`).

    WUDU_DATA_DIR=$PWD/data python benchmarks/report_render.py [--repeat 3]

Times, on the published warehouse: loading the term once, all school reports (HTML only, then HTML +
xlsx) and the district report, each into a temporary folder. The budget is 27 school reports in
< 30 s. Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("WUDU_DEMO", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wudu.reports.build import build_reports  # noqa: E402
from wudu.reports.data import load_term  # noqa: E402


CPU: list[float] = []


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time; the median CPU time of the same calls goes to CPU[-1] (the machine is shared)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, cpu0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu0)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--data-dir", default=os.environ.get("WUDU_DATA_DIR", "./data"))
    args = p.parse_args()
    data_dir = Path(args.data_dir).resolve()

    load_s, terms = timed(lambda: load_term(data_dir), args.repeat)
    d = terms[0]
    n_schools = len(d.schools)
    print(f"warehouse {data_dir / 'warehouse' / 'wudu.duckdb'}: term {d.term['term_title']}, {n_schools} schools, "
          f"{len(d.facts['teacher']):,} teachers, {len(d.facts['student']):,} students")
    print(f"load term data once: {load_s:.2f} s (median of {args.repeat})")
    with tempfile.TemporaryDirectory() as tmp:
        only = list(d.schools["school_id"])
        html_s, w = timed(lambda: build_reports(tmp, schools=only, data_dir=data_dir, with_excel=False), args.repeat)
        print(f"{len(w[0].school_html)} school reports, HTML only: {html_s:.2f} s "
              f"({html_s / len(w[0].school_html):.2f} s each, incl. loading; CPU {CPU[-1]:.2f} s)")
        both_s, w = timed(lambda: build_reports(tmp, schools=only, data_dir=data_dir), args.repeat)
        print(f"{len(w[0].school_html)} school reports, HTML + xlsx: {both_s:.2f} s (CPU {CPU[-1]:.2f} s)")
        all_s, w = timed(lambda: build_reports(tmp, data_dir=data_dir), args.repeat)
        pages = w[0].all_html
        sizes = [p.stat().st_size for p in pages]
        print(f"district + {len(w[0].school_html)} schools, HTML + xlsx (what the Dagster asset does): {all_s:.2f} s "
              f"(CPU {CPU[-1]:.2f} s)")
        print(f"page size: median {statistics.median(sizes) / 1024:.0f} KiB, max {max(sizes) / 1024:.0f} KiB")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
