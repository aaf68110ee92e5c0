"""One city-scale day, side by side: a bare DuckDB load of the landing files (read_csv/read_json,
no checks) and `wudu run` of the same day, with per-step times, the ratios and the peak RSS of each
(psutil, the process and all its children).

    python benchmarks/city_day.py                       # generates /work/city/base once, then runs both
    python benchmarks/city_day.py --label after --days 1
    python benchmarks/city_day.py --code-dir /tmp/wudu-main --label before   # the same, with other code
    python benchmarks/city_day.py --scale tiny --label floor   # a tiny district's day: the fixed costs

City data lives outside any git worktree (default /work/city); each `wudu run` gets a fresh data
directory there whose landing/ is a symlink to the generated one, so runs never see each other's
warehouse. Results are written down in docs/benchmarks.md (never asserted in tests)."""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]

BARE_LOAD = r"""
import sys, duckdb, pathlib, tempfile, zipfile
landing, days, db = pathlib.Path(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
con = duckdb.connect(db)
n = 0

def load(f, name):
    low = f.name.lower()
    if low.endswith(".csv"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{f}', all_varchar=true, ignore_errors=true)")
    elif low.endswith((".jsonl", ".jsonl.gz")):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_json('{f}', format='newline_delimited', ignore_errors=true)")
    else:
        return
    print(f.name, con.execute(f"SELECT count(*) FROM {name}").fetchone()[0], flush=True)

for day in days:
    for f in sorted(landing.glob(f"*/{day}/*")):
        if f.suffix.lower() == ".zip":  # a OneRoster zip: its CSVs, unpacked as wudu's landing does
            with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(f) as zf:
                zf.extractall(tmp)
                for m in sorted(pathlib.Path(tmp).iterdir()):
                    n += 1
                    load(m, f"t{n}")
        else:
            n += 1
            load(f, f"t{n}")
"""

# --after-landing: the run's steps after the landing (dbt, publishing) for the window, as the UI's
# "Re-execute from failure" runs them once the raw steps have succeeded; with --reland, those
# sources' landing too (e.g. after a fix to a reader)
AFTER_LANDING = r"""
import os, socket, sys
from dagster import DagsterInstance
from orchestration import run_guard
from orchestration.assets.reports import REPORTS_KEY
from orchestration.definitions import defs
first, last, relanded = sys.argv[1], sys.argv[2], set(sys.argv[3].split(",")) - {""}
job = defs().resolve_job_def("wudu_daily")
keep = {k for k in job.asset_layer.selected_asset_keys
        if k != REPORTS_KEY and (k.path[0] != "raw" or k.path[1] in relanded)}
job = job.get_subset(asset_selection=keep, asset_check_selection={
    c for c in job.asset_layer.asset_graph.asset_check_keys if c.asset_key in keep})
tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last,
        run_guard.PID_TAG: str(os.getpid()), run_guard.HOST_TAG: socket.gethostname(),
        run_guard.DATA_DIR_TAG: os.environ["WUDU_DATA_DIR"]}
result = job.execute_in_process(instance=DagsterInstance.get(), tags=tags, raise_on_error=False)
print("success" if result.success else "failed", flush=True)
sys.exit(0 if result.success else 1)
"""


class PeakRss:
    """Peak of the summed RSS of a process and all its descendants, sampled every 0.2 s; every
    TRACE_EVERY seconds a sample is kept too (seconds, all MB, the process's own MB): where a long
    run's memory grows."""

    TRACE_EVERY = 10.0

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.started = time.monotonic()
        self.peak_at = 0.0  # seconds after the start
        self.peak_parts: dict[str, int] = {}  # process (name + pid) -> RSS at the peak
        self.trace: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                parts = {}
                for p in procs:
                    try:
                        parts[f"{' '.join(p.cmdline()[1:3])[-60:]} ({p.pid})"] = p.memory_info().rss
                    except psutil.Error:
                        pass
                total, now = sum(parts.values()), time.monotonic() - self.started
                if total > self.peak:
                    self.peak, self.peak_at, self.peak_parts = total, now, parts
                if not self.trace or now - self.trace[-1][0] >= self.TRACE_EVERY:
                    self.trace.append((round(now, 1), total >> 20, self.proc.memory_info().rss >> 20))
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


LAST_PEAK: dict = {}  # when the last timed command peaked, and which processes held what


def timed(cmd: list[str], env: dict, log: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS bytes, exit code) of a command, its output in `log`."""
    started = time.monotonic()
    with open(log, "w") as fh:
        p = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        rss = PeakRss(p.pid)
        rc = p.wait()
    peak = rss.stop()
    LAST_PEAK.update(at_seconds=round(rss.peak_at, 1), processes_mb={k: v >> 20 for k, v in rss.peak_parts.items()},
                     trace_mb=rss.trace)
    return time.monotonic() - started, peak, rc


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@contextlib.contextmanager
def latest_run(dagster_home: Path):
    """(instance, the latest run) of the Dagster home a benchmark run wrote."""
    from dagster import DagsterInstance

    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with DagsterInstance.get() as instance:
        yield instance, instance.get_runs(limit=1)[0]


def step_times(dagster_home: Path) -> list[tuple[str, float]]:
    """Seconds per Dagster step of the latest run in this instance."""
    with latest_run(dagster_home) as (instance, run):
        stats = instance.get_run_step_stats(run.run_id)
    return sorted(((s.step_key, (s.end_time or 0) - (s.start_time or 0)) for s in stats), key=lambda x: -x[1])


DAY_LINE = re.compile(r"^\w+ \d{4}-\d{2}-\d{2}: \d+ files, ")  # raw_<source>'s line after each landed day


def run_breakdown(dagster_home: Path) -> dict:
    """From the latest run's event log: GX seconds per source (the `suite` checks' gx_seconds) and
    the seconds between a raw step's per-day lines (a day's landing plus the validation of the day
    before it; the first from the step's start)."""
    from dagster import DagsterEventType

    gx: dict[str, float] = {}
    days: dict[str, list[float]] = {}
    with latest_run(dagster_home) as (instance, run):
        for e in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
            ev = e.dagster_event.event_specific_data
            secs = [v.value for k, v in ev.metadata.items() if k.split()[0] == "gx_seconds"]  # label is bilingual
            if ev.check_name == "suite" and secs:
                gx[ev.asset_key.path[1]] = gx.get(ev.asset_key.path[1], 0.0) + float(secs[0])
        last: dict[str, float] = {}
        for e in instance.all_logs(run.run_id):
            step = e.step_key or ""
            if not step.startswith("raw_"):
                continue
            if e.dagster_event is not None and e.dagster_event.event_type == DagsterEventType.STEP_START:
                last[step] = e.timestamp
            elif e.dagster_event is None and step in last and DAY_LINE.match(e.user_message or ""):
                days.setdefault(step, []).append(e.timestamp - last[step])
                last[step] = e.timestamp
    return {"gx_seconds_by_source": {k: round(v, 1) for k, v in sorted(gx.items())},
            "seconds_between_day_lines": {k: {"days": len(v), "total": round(sum(v), 1), "min": round(min(v), 1),
                                            "max": round(max(v), 1)} for k, v in sorted(days.items()) if v}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="/work/city")
    ap.add_argument("--start", default="2026-09-08")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--school-days", type=int, help="instead of --days: as many calendar days as that many school days take")
    ap.add_argument("--label", default="run")
    ap.add_argument("--scale", default="city", choices=["tiny", "district", "city"],
                    help="another scale's day (tiny: what a night costs before it reads a row)")
    ap.add_argument("--code-dir", default=str(REPO), help="the wudu checkout whose code runs (default: this one)")
    ap.add_argument("--skip-bare", action="store_true")
    ap.add_argument("--compress", action="store_true",
                    help="generate with `demo-data --compress` (statements gzipped, roster zipped: what fits on disk for 20 days)")
    ap.add_argument("--skip-wudu", action="store_true")
    ap.add_argument("--after-landing", action="store_true",
                    help="only the steps after the landing (dbt, publishing), on the run directory a previous run "
                         "with this --label left (its raw steps succeeded): the UI's re-execution from failure")
    ap.add_argument("--reland", default="", help="with --after-landing: these sources (comma-separated) are landed again first")
    ap.add_argument("--with-reports", action="store_true",
                    help="also write the per-school reports (not in the issue's goal; ≈30 min for a city)")
    args = ap.parse_args()
    root = Path(args.root)
    if args.school_days:
        from transforms.demo.calendar import days_needed

        args.days = days_needed(dt.date.fromisoformat(args.start), args.school_days)
    if any(p == REPO or p in REPO.parents for p in [root.resolve()]) or REPO in root.resolve().parents:
        sys.exit("city data must live outside the git worktree")
    base = root / ((f"base{args.days}" if args.days > 1 else "base") + ("z" if args.compress else "")
                   + ("" if args.scale == "city" else f"_{args.scale}"))
    days = [(dt.date.fromisoformat(args.start) + dt.timedelta(days=i)).isoformat() for i in range(args.days)]
    venv_bin = Path(sys.executable).parent
    env = dict(os.environ, WUDU_DEMO="1", PYTHONPATH=str(Path(args.code_dir).resolve()))
    root.mkdir(parents=True, exist_ok=True)  # a new machine has no city folder yet
    if not (base / "landing").is_dir():
        print(f"generating the {args.scale} ({args.days} day(s)) in {base} …", flush=True)
        secs, rss, rc = timed([str(venv_bin / "wudu"), "demo-data", "--out", str(base), "--scale", args.scale,
                               "--days", str(args.days), "--start", args.start] + (["--compress"] if args.compress else []),
                              env, root / "generate.log")
        if rc:
            sys.exit(f"generation failed, see {root / 'generate.log'}")
        print(f"generated in {secs:.0f}s")
    size = sum(f.stat().st_size for f in (base / "landing").rglob("*") if f.is_file())
    print(f"landing: {size / 1e9:.2f} GB, days {days[0]}..{days[-1]}; cores {os.cpu_count()}")
    out: dict = {"label": args.label, "days": len(days), "landing_gb": round(size / 1e9, 2)}

    if not args.skip_bare:
        db = root / f"bare_{args.label}.duckdb"
        db.unlink(missing_ok=True)
        la = load_average()
        secs, rss, rc = timed([sys.executable, "-c", BARE_LOAD, str(base / "landing"), ",".join(days), str(db)], env,
                              root / f"bare_{args.label}.log")
        db.unlink(missing_ok=True)
        if rc:
            sys.exit(f"bare load failed, see {root / f'bare_{args.label}.log'}")
        out["bare"] = {"seconds": round(secs, 1), "peak_rss_mb": rss >> 20, "load_before": la}
        print(f"bare DuckDB load: {secs:.1f}s, peak RSS {rss >> 20} MB (load average before: {la})", flush=True)

    if not args.skip_wudu:
        run_dir = root / f"run_{args.label}"
        home = run_dir / ".dagster_home"
        if not args.after_landing:
            shutil.rmtree(run_dir, ignore_errors=True)
            run_dir.mkdir(parents=True)
            (run_dir / "landing").symlink_to((base / "landing").resolve())
            shutil.copy(base / ".wudu-demo", run_dir / ".wudu-demo")
        elif not (run_dir / "warehouse").is_dir():
            sys.exit(f"--after-landing: no warehouse in {run_dir} (run once without it first)")
        env_run = dict(env, WUDU_DATA_DIR=str(run_dir), DAGSTER_HOME=str(home), WUDU_TODAY=days[-1])
        la = load_average()
        if args.after_landing:
            command = [sys.executable, "-c", AFTER_LANDING, days[0], days[-1], args.reland]
        else:
            command = [str(venv_bin / "wudu"), "run", "--start", days[0], "--days", str(len(days)),
                       "--data-dir", str(run_dir)] + ([] if args.with_reports else ["--without-reports"])
        suffix = ("_after_landing" + (f"_reland_{args.reland.replace(',', '_')}" if args.reland else "")
                  if args.after_landing else "")
        log_name = f"wudu_{args.label}{suffix}.log"
        secs, rss, rc = timed(command, env_run, root / log_name)
        la_after = load_average()
        out["wudu"] = {"seconds": round(secs, 1), "peak_rss_mb": rss >> 20, "peak": dict(LAST_PEAK), "exit_code": rc,
                       "load_before": la, "load_after": la_after}
        print(f"wudu run: {secs:.1f}s, peak RSS {rss >> 20} MB, exit code {rc} "
              f"(load average before {la}, after {la_after}); log {root / log_name}", flush=True)
        steps = step_times(home)
        out["steps"] = {k: round(v, 1) for k, v in steps}
        for k, v in steps:
            print(f"  {k:<40} {v:7.1f}s")
        out["sizes_gb"] = {name: round(sum(f.stat().st_size for f in (run_dir / rel).rglob("*") if f.is_file()) / 1e9, 2)
                           for name, rel in (("build", "warehouse/build"), ("gx_docs", "gx_docs"))}
        published = run_dir / "warehouse" / "wudu.duckdb"
        out["sizes_gb"]["published"] = round(published.stat().st_size / 1e9, 2) if published.exists() else None
        out["breakdown"] = run_breakdown(home)
        print(json.dumps(out["breakdown"], indent=1))
        landing_validation = sum(v for k, v in steps if k.startswith("raw"))
        # the "end to end": landing, validation, dbt, publish (the per-school reports that
        # follow publishing are a separate product, timed on their own line)
        reports = sum(v for k, v in steps if "report" in k)
        out["landing_validation_seconds"] = round(landing_validation, 1)
        out["end_to_end_without_reports_seconds"] = round(secs - reports, 1)
        if "bare" in out:
            bare = out["bare"]["seconds"]
            print(f"ratios to the bare load: landing + validation (raw steps) {landing_validation / bare:.1f}×, "
                  f"end to end without reports {(secs - reports) / bare:.1f}×, with reports {secs / bare:.1f}×")
            out["ratio_landing_validation"] = round(landing_validation / bare, 2)
            out["ratio_end_to_end_without_reports"] = round((secs - reports) / bare, 2)
            out["ratio_end_to_end"] = round(secs / bare, 2)
    (root / f"result_{args.label}{suffix if not args.skip_wudu else ''}.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
