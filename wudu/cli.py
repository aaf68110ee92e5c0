"""`wudu` command line: demo data, runs through Dagster, and a summary of what was built."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from wudu.run_arguments import ArgumentError, existing_data_dir, landed_days, run_window

ORCHESTRATION_DIR = Path(__file__).resolve().parents[1] / "orchestration"


def _prepare_env(data_dir: str | None) -> Path:
    from transforms.settings import default_dagster_home

    root = Path(data_dir or os.environ.get("WUDU_DATA_DIR", "./data")).resolve()
    os.environ["WUDU_DATA_DIR"] = str(root)
    # the instance follows the data directory, not the shell's current directory
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(default_dagster_home(root))))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(ORCHESTRATION_DIR / "dagster.yaml", home / "dagster.yaml")
    return root


def cmd_demo_data(args: argparse.Namespace) -> int:
    from transforms.demo import generate_demo_district

    run_window(args.start, args.days, None)  # a real date and at least one day, before anything is written
    started = time.monotonic()
    summary = generate_demo_district(Path(args.out).resolve(), dt.date.fromisoformat(args.start), args.days,
                                     scale=args.scale, seed=args.seed, error_rate=args.error_rate,
                                     compress=args.compress)
    print(f"demo district ({args.scale}) written to {args.out} in {time.monotonic() - started:.1f}s")
    for k, v in summary.items():
        if not isinstance(v, (dict, list)):
            print(f"  {k}: {v}")
    return 0


def quiet_run_config(verbose: bool) -> dict:
    """Quiet by default: Dagster's console shows warnings and errors only (every event is still in
    the run's event log and the UI); --verbose shows everything, dbt's lines included."""
    return {"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}}


def run_days(first: str, last: str, per_day: bool = False, verbose: bool = False,
             clear_missing: bool = False, without_reports: bool = False):
    """Materialise every asset for the days through Dagster, recorded in $DAGSTER_HOME.
    One run per window of the backfill policy (as a UI backfill does: up to MAX_DAYS_PER_RUN days) or one per day."""
    import socket
    import warnings

    if not verbose:
        # GX imports pyspark whenever it is installed (the Spark tier), and pyspark warns about the
        # pandas version on every DuckDB night: noise for the engineer reading the summary; the Spark
        # engine's parity is proven by tests/test_spark_parity.py. --verbose shows it.
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from dagster import DagsterInstance

    from orchestration import run_guard
    from orchestration.assets.reports import REPORTS_KEY
    from orchestration.definitions import defs
    from orchestration.partitions import run_windows

    job = defs().resolve_job_def("wudu_daily")
    if without_reports:  # everything up to and including publishing; `wudu report` writes them later
        # the job's own checks too: a selection of assets alone would bring back every check of
        # those assets, the morning freshness checks among them (they judge today, not the window)
        graph = job.asset_layer.asset_graph
        job = job.get_subset(asset_selection={k for k in job.asset_layer.selected_asset_keys if k != REPORTS_KEY},
                             asset_check_selection={c for c in graph.asset_check_keys if c.asset_key != REPORTS_KEY})
    instance = DagsterInstance.get()
    windows = run_windows(first, last, per_day)
    results = []
    for a, b in windows:
        if run_guard.stop_requested():
            break
        tags = {"dagster/asset_partition_range_start": a, "dagster/asset_partition_range_end": b,
                # who runs it, so the next start can tell a dead run from a live one
                run_guard.PID_TAG: str(os.getpid()), run_guard.HOST_TAG: socket.gethostname(),
                run_guard.DATA_DIR_TAG: os.environ["WUDU_DATA_DIR"]}
        if clear_missing:
            tags[run_guard.CLEAR_MISSING_TAG] = "true"
        results.append(job.execute_in_process(instance=instance, tags=tags, raise_on_error=False,
                                              run_config=quiet_run_config(verbose)))
    return results


def _locked_and_recovered(root: Path) -> None:
    """Become the one writer of the data directory, then clean up after any run that died."""
    from dagster import DagsterInstance

    from orchestration.run_guard import recover_dead_runs
    from transforms import data_dir_lock

    data_dir_lock.acquire(root, what=f"wudu {' '.join(sys.argv[1:])}", on_wait=lambda h: print(
        f"waiting: {root} is being written by another process ({h or 'unknown'}); "
        f"the lock is {data_dir_lock.lock_path(root)}", flush=True))
    recover_dead_runs(DagsterInstance.get(), root)


def _interruptible(fn):
    """Run fn in a worker thread while the main thread takes SIGINT/SIGTERM: a signal stops the run
    cleanly (queries and dbt interrupted, later steps refused, nothing published). Dagster's own
    handlers only act on the main thread, where they would turn the signal into a retried step."""
    from orchestration import run_guard

    out: dict = {}
    received: list[str] = []
    # during a step Dagster points fd 2 at its compute-log file and mirrors it with `tail -F`, which
    # it stops without draining when the step ends: a copy of the terminal's stderr taken now is
    # where the stop notice cannot be lost
    terminal = os.dup(2)

    def work():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            out["error"] = exc

    def on_signal(signo, _frame):
        name = signal.Signals(signo).name
        received.append(name)
        os.write(terminal, f"\n{name}: 正在停止 · stopping the run — the warehouse stays as it was, "
                           "nothing is published\n".encode())
        run_guard.request_stop(name)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker = threading.Thread(target=work, name="wudu-run", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        os.close(terminal)
    if "error" in out:
        raise out["error"]
    return out["value"], received


def _run_window(root: Path, first: str, last: str, per_day: bool, clear_missing: bool,
                verbose: bool = False, without_reports: bool = False) -> int:
    _locked_and_recovered(root)
    started = time.monotonic()
    if verbose:
        os.environ["WUDU_VERBOSE"] = "1"  # read by the dbt asset: stream every dbt line
    else:
        print(f"wudu run {first}..{last}: landing, validating, dbt build, publishing … (--verbose for every log line)",
              flush=True)
    results, received = _interruptible(lambda: run_days(first, last, per_day=per_day, verbose=verbose,
                                                        clear_missing=clear_missing,
                                                        without_reports=without_reports))
    elapsed = time.monotonic() - started
    from wudu.summary import print_summary

    ok = bool(results) and all(r.success for r in results)
    print_summary(root, results, first, last, elapsed)
    from wudu.summary import file_problems, print_file_problems, print_stray_files, stray_files

    problems = file_problems(root, first, last)  # rejected/unrecognised files: the run is not green
    strays = stray_files(root)
    print_file_problems(problems)
    print_stray_files(strays)
    if received:
        print(f"\nstopped by {received[0]}: nothing was published by this run", file=sys.stderr)
        return 128 + getattr(signal, received[0])
    return 0 if ok and not problems and not strays else 1


def cmd_publish(args: argparse.Namespace) -> int:
    """Re-publish the analysts' DuckDB file from the build file, or copy it to PostgreSQL (--to)."""
    from transforms.settings import paths

    p = paths(_prepare_env(args.data_dir))
    if args.to:
        from sqlalchemy.engine import make_url

        from transforms.publish.postgres import publish_postgres

        url = make_url(args.to)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")  # the driver wudu installs
        if not url.drivername.startswith("postgresql"):
            print(f"wudu publish --to: only postgresql://… URLs are supported, not {url.drivername}", file=sys.stderr)
            return 2
        if not p.published_db.exists():
            print(f"no published warehouse at {p.published_db}: run `wudu run` first", file=sys.stderr)
            return 1
        report = publish_postgres(p.published_db, url.render_as_string(hide_password=False), args.analyst_role,
                                  incremental=not args.full)
        how = "incremental" if report.mode == "incremental" else f"full: {report.reason}"
        print(f"published {len(report.tables)} tables and {len(report.views)} Chinese views to {report.url} "
              f"in {report.seconds:.1f}s ({how}; read-only role: {args.analyst_role})")
        return 0
    from transforms.publish.duckdb_file import PublishError, publish_duckdb

    # the build file has one writer: wait for a running night instead of failing on its DuckDB lock
    _locked_and_recovered(p.data_dir)
    try:
        report = publish_duckdb(p.build_db, p.published_db, incremental=not args.full)
    except PublishError as exc:
        print(f"wudu publish: {exc}", file=sys.stderr)  # the root cause first, e.g. "No space left on device"
        return 1
    how = "incremental" if report.mode == "incremental" else f"full: {report.reason}"
    print(f"published {report.path} ({report.bytes:,} bytes, {len(report.tables)} tables) in {report.seconds:.1f}s ({how})")
    if report.unlabelled:
        print(f"warning: {len(report.unlabelled)} tables/columns have no description in the dbt YAML: "
              f"{', '.join(report.unlabelled[:10])}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from wudu.reports.build import build_reports

    if args.data_dir:
        os.environ["WUDU_DATA_DIR"] = str(Path(args.data_dir).resolve())
    started = time.monotonic()
    written = build_reports(args.out, term=args.term, schools=args.school, teachers=args.teacher,
                            with_excel=not args.no_excel)
    for w in written:
        print(f"学期 term {w.term_title} ({w.term_id}): {len(w.district_html)} district, {len(w.school_html)} school, "
              f"{len(w.teacher_html)} teacher report(s), {len(w.xlsx)} xlsx")
        for p in w.all_html[:3]:
            print(f"  {p}")
    print(f"reports written in {time.monotonic() - started:.1f}s")
    return 0


def _checked(args: argparse.Namespace) -> Path:
    """Everything a run needs, checked before anything is created: the data directory, its
    landing folder, and the key for personal data."""
    from transforms.settings import pii_key

    root = existing_data_dir(args.data_dir or os.environ.get("WUDU_DATA_DIR", "./data"))
    pii_key(root)
    return root


def cmd_run(args: argparse.Namespace) -> int:
    first, last = run_window(args.start, args.days, args.end)
    root = _prepare_env(str(_checked(args)))
    if args.engine:  # read when the code location loads (orchestration.definitions.build_resources)
        os.environ["WUDU_ENGINE"] = args.engine
    return _run_window(root, first, last, args.per_day, args.clear_missing, verbose=args.verbose,
                       without_reports=args.without_reports)


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Rebuild the build warehouse from the landing zone (a corrupt or lost build file): the old
    file is set aside, not deleted, and every landed day is replayed in one run."""
    if not args.from_landing:
        raise ArgumentError("say where from: --from-landing (the only source a rebuild trusts)")
    root = _prepare_env(str(_checked(args)))
    days = landed_days(root)
    if not days:
        raise ArgumentError(f"nothing to rebuild from: no day folder under {root / 'landing'}")
    from transforms.settings import paths

    _locked_and_recovered(root)
    build = paths(root).build_db
    if build.exists():
        aside = build.with_name(f"{build.name}.before-rebuild-{time.strftime('%Y%m%dT%H%M%S')}")
        for f in (build, build.with_name(build.name + ".wal")):
            if f.exists():
                os.replace(f, aside.with_name(aside.name + f.name[len(build.name):]))
        print(f"build warehouse set aside as {aside} (delete it once the rebuild is checked)")
    print(f"rebuilding {days[0]}..{days[-1]} ({len(days)} landed days) from {root / 'landing'}")
    return _run_window(root, days[0], days[-1], per_day=False, clear_missing=False)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="wudu", description="五度评教/五度评学 evaluation warehouse")
    sub = p.add_subparsers(dest="cmd", required=True)

    d = sub.add_parser("demo-data", help="write a deterministic demo district's exports into the landing zone")
    d.add_argument("--out", default=os.environ.get("WUDU_DATA_DIR", "./data"))
    d.add_argument("--start", required=True)
    d.add_argument("--days", type=int, default=5)
    d.add_argument("--scale", default="district", choices=["tiny", "district", "city", "province"])
    d.add_argument("--seed", type=int, default=20260907)
    d.add_argument("--error-rate", type=float, default=0.01)
    d.add_argument("--compress", action="store_true",
                   help="statements as .jsonl.gz and the roster as a OneRoster zip every day (city-scale volumes)")
    d.set_defaults(fn=cmd_demo_data)

    r = sub.add_parser("run", help="materialise every asset for daily partitions through Dagster")
    r.add_argument("--start", required=True)
    r.add_argument("--end", help="last day (inclusive); default start + days - 1")
    r.add_argument("--days", type=int, help="number of days from --start (default 1)")
    r.add_argument("--data-dir")
    r.add_argument("--per-day", action="store_true", help="one run per day instead of one run per window of up to WUDU_MAX_DAYS_PER_RUN (31) days")
    r.add_argument("--verbose", action="store_true",
                   help="every Dagster event and dbt line on the terminal (default: warnings and the summary)")
    r.add_argument("--clear-missing", action="store_true",
                   help="a source with no file for a day already loaded clears that day (default: keep it, WARN)")
    r.add_argument("--without-reports", action="store_true",
                   help="land, validate, model and publish, but write no per-school reports (a backfill, or a "
                        "benchmark; `wudu report` writes them afterwards)")
    r.add_argument("--engine", choices=["duckdb", "spark"],
                   help="who models the landed days (default: WUDU_ENGINE, else duckdb); spark uses WUDU_SPARK_MASTER "
                        "etc., see docs/decisions.md#spark")
    r.set_defaults(fn=cmd_run)

    pb = sub.add_parser("publish", help="re-publish the analysts' warehouse, or copy it to PostgreSQL for BI tools")
    pb.add_argument("--to", help="postgresql://user@host:port/db (password from PGPASSWORD or ~/.pgpass); "
                                 "default: the analysts' DuckDB file")
    pb.add_argument("--analyst-role", default="wudu_analyst", help="PostgreSQL role granted read-only access")
    pb.add_argument("--full", action="store_true", help="write every table of the analysts' file (or with --to, of "
                    "PostgreSQL) anew instead of refreshing the days dbt changed (e.g. after editing a file by hand)")
    pb.add_argument("--data-dir")
    pb.set_defaults(fn=cmd_publish)

    rp = sub.add_parser("report", help="offline HTML + xlsx 五度 reports (district, schools, teachers on demand)")
    rp.add_argument("--term", help="term_id or term title (default: the newest scored term)")
    rp.add_argument("--school", action="append", help="school_id or school code (repeatable; default: all)")
    rp.add_argument("--teacher", action="append", help="teacher_id (repeatable)")
    rp.add_argument("--out", help="output folder (default: $WUDU_DATA_DIR/reports); files go to <out>/<term_id>/")
    rp.add_argument("--data-dir")
    rp.add_argument("--no-excel", action="store_true", help="HTML only")
    rp.set_defaults(fn=cmd_report)

    b = sub.add_parser("rebuild", help="rebuild the build warehouse from the landing zone (old file set aside)")
    b.add_argument("--from-landing", action="store_true", required=True)
    b.add_argument("--data-dir")
    b.set_defaults(fn=cmd_rebuild)

    args = p.parse_args(argv)
    from transforms.settings import MissingPiiKeyError

    try:
        return args.fn(args)
    except ArgumentError as exc:
        p.error(str(exc))  # exits 2 with the usage
    except MissingPiiKeyError as exc:
        print(f"wudu: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
