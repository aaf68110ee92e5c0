"""`wudu` command line: demo data, runs through Dagster, and a summary of what was built."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

ORCHESTRATION_DIR = Path(__file__).resolve().parents[1] / "orchestration"


def _prepare_env(data_dir: str | None) -> Path:
    root = Path(data_dir or os.environ.get("WUDU_DATA_DIR", "./data")).resolve()
    os.environ["WUDU_DATA_DIR"] = str(root)
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path(".dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(ORCHESTRATION_DIR / "dagster.yaml", home / "dagster.yaml")
    return root


def cmd_demo_data(args: argparse.Namespace) -> int:
    from transforms.demo import generate_demo_district

    started = time.monotonic()
    summary = generate_demo_district(Path(args.out).resolve(), dt.date.fromisoformat(args.start), args.days,
                                     scale=args.scale, seed=args.seed, error_rate=args.error_rate)
    print(f"demo district ({args.scale}) written to {args.out} in {time.monotonic() - started:.1f}s")
    for k, v in summary.items():
        if not isinstance(v, (dict, list)):
            print(f"  {k}: {v}")
    return 0


def quiet_run_config(verbose: bool) -> dict:
    """Quiet by default: Dagster's console shows warnings and errors only (every event is still in
    the run's event log and the UI); --verbose shows everything, dbt's lines included."""
    return {"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}}


def run_days(first: str, last: str, per_day: bool = False, verbose: bool = False):
    """Materialise every asset for the days through Dagster, recorded in $DAGSTER_HOME.
    One run over the range (as a UI backfill with the single-run policy does) or one per day."""
    from dagster import DagsterInstance

    from orchestration.definitions import defs
    from orchestration.partitions import days_between

    job = defs().resolve_job_def("wudu_daily")
    instance = DagsterInstance.get()
    windows = [(d, d) for d in days_between(first, last)] if per_day else [(first, last)]
    results = []
    for a, b in windows:
        tags = {"dagster/asset_partition_range_start": a, "dagster/asset_partition_range_end": b}
        results.append(job.execute_in_process(instance=instance, tags=tags, raise_on_error=False,
                                              run_config=quiet_run_config(verbose)))
    return results


def cmd_run(args: argparse.Namespace) -> int:
    root = _prepare_env(args.data_dir)
    first = args.start
    last = args.end or (dt.date.fromisoformat(first) + dt.timedelta(days=args.days - 1)).isoformat()
    started = time.monotonic()
    if args.verbose:
        os.environ["WUDU_VERBOSE"] = "1"  # read by the dbt asset: stream every dbt line
    else:
        print(f"wudu run {first}..{last}: landing, validating, dbt build, publishing … (--verbose for every log line)",
              flush=True)
    results = run_days(first, last, per_day=args.per_day, verbose=args.verbose)
    elapsed = time.monotonic() - started
    from wudu.summary import print_summary

    ok = all(r.success for r in results)
    print_summary(root, results, first, last, elapsed)
    from wudu.summary import file_problems, print_file_problems, print_stray_files, stray_files

    problems = file_problems(root, first, last)  # rejected/unrecognised files: the run is not green
    strays = stray_files(root)
    print_file_problems(problems)
    print_stray_files(strays)
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
        report = publish_postgres(p.published_db, url.render_as_string(hide_password=False), args.analyst_role)
        print(f"published {len(report.tables)} tables and {len(report.views)} Chinese views to {report.url} "
              f"in {report.seconds:.1f}s (read-only role: {args.analyst_role})")
        return 0
    from transforms.publish.duckdb_file import PublishError, publish_duckdb

    try:
        report = publish_duckdb(p.build_db, p.published_db)
    except PublishError as exc:
        print(f"wudu publish: {exc}", file=sys.stderr)  # the root cause first, e.g. "No space left on device"
        return 1
    print(f"published {report.path} ({report.bytes:,} bytes, {len(report.tables)} tables) in {report.seconds:.1f}s")
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
    d.set_defaults(fn=cmd_demo_data)

    r = sub.add_parser("run", help="materialise every asset for daily partitions through Dagster")
    r.add_argument("--start", required=True)
    r.add_argument("--end", help="last day (inclusive); default start + days - 1")
    r.add_argument("--days", type=int, default=1)
    r.add_argument("--data-dir")
    r.add_argument("--per-day", action="store_true", help="one run per day instead of one run over the range")
    r.add_argument("--verbose", action="store_true",
                   help="every Dagster event and dbt line on the terminal (default: warnings and the summary)")
    r.set_defaults(fn=cmd_run)

    pb = sub.add_parser("publish", help="re-publish the analysts' warehouse, or copy it to PostgreSQL for BI tools")
    pb.add_argument("--to", help="postgresql://user@host:port/db (password from PGPASSWORD or ~/.pgpass); "
                                 "default: the analysts' DuckDB file")
    pb.add_argument("--analyst-role", default="wudu_analyst", help="PostgreSQL role granted read-only access")
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

    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
