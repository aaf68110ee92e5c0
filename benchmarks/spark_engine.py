"""The same demo window through `wudu run` on both engines: DuckDB (the default) and Spark on a local
standalone cluster (a master and two workers started from the pyspark wheel, as in the Spark test
tier), with wall time and the peak RSS of the run (the process and its children; the cluster's own
JVMs are separate processes and reported apart).

    python benchmarks/spark_engine.py --scale district --days 1
    python benchmarks/spark_engine.py --scale tiny --days 2 --work /tmp/spark_bench

Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from city_day import PeakRss  # noqa: E402  (one home for the RSS sampler)
from spark_cluster import standalone_cluster  # noqa: E402  (the test tier's cluster, reused)

WUDU = Path(sys.executable).parent / "wudu"


def run(engine: str, data: Path, start: str, days: int, extra_env: dict) -> tuple[float, int, int]:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "WUDU_PII_KEY")}
    env.update(WUDU_DATA_DIR=str(data), WUDU_DEMO="1", WUDU_ENGINE=engine, **extra_env)
    started = time.monotonic()
    proc = subprocess.Popen([str(WUDU), "run", "--start", start, "--days", str(days)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    rss = PeakRss(proc.pid)
    out, _ = proc.communicate()
    peak = rss.stop()
    seconds = time.monotonic() - started
    (data / f"run_{engine}.log").write_text(out)
    return seconds, peak, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="district", choices=["tiny", "district"])
    ap.add_argument("--start", default="2026-09-07")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/wudu_spark_bench"))
    args = ap.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    rows = []
    with standalone_cluster(args.work / "cluster", workers=2, cores=1, memory="1g") as cluster:
        spark_env = {"WUDU_SPARK_MASTER": cluster.master_url, "WUDU_SPARK_CORES_MAX": "2",
                     "WUDU_SPARK_EXECUTOR_MEMORY": "768m", "WUDU_SPARK_SHUFFLE_PARTITIONS": "2"}
        for engine, extra in (("duckdb", {}), ("spark", spark_env)):
            data = args.work / engine
            subprocess.run([str(WUDU), "demo-data", "--out", str(data), "--start", args.start,
                            "--days", str(args.days), "--scale", args.scale], check=True, cwd=REPO,
                           stdout=subprocess.DEVNULL)
            seconds, peak, rc = run(engine, data, args.start, args.days, extra)
            rows.append((engine, seconds, peak, rc))
            print(f"{engine}: {seconds:.0f} s, peak RSS {peak / 2**20:.0f} MB, exit {rc}", flush=True)
    load = os.getloadavg()[0]
    print(f"\n| engine | {args.scale} × {args.days} day(s) through `wudu run` | peak RSS of the run | exit |")
    print("|---|---|---|---|")
    for engine, seconds, peak, rc in rows:
        print(f"| {engine} | {seconds:.0f} s | {peak / 2**20:,.0f} MB | {rc} |")
    print(f"\nload average at the end: {load:.1f}")
    return 0 if all(r[3] in (0, 1) for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
