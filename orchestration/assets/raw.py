"""Raw assets: one per source, daily-partitioned. Each lands that day's files into the build
warehouse (valid rows → raw.<source>__<table>, failing rows → raw.quarantine) and reports:
- `contract` (ERROR, blocking): every file readable with its required columns;
- `reconciliation` (ERROR, blocking): rows read = rows loaded + rows quarantined, per file, as
  counted back from the warehouse;
- `<table>_suite` (WARN): the table's Great Expectations suite over the day's typed batch."""

import dagster as dg

from expectations.runner import SuiteOutcome, SuiteRunner, validate_batch
from orchestration.partitions import days_between, daily_partitions, window_days
from orchestration.resources import WAREHOUSE_POOL, TransientWarehouseError, WarehouseResource
from transforms.contracts import Source, load_contracts
from transforms.loader import LoadReport, load_source_day
from transforms.reconcile import previous_rows_read, reconcile

DESCRIPTIONS = {
    "roster": "School rosters 学校花名册 (OneRoster 1.2 CSV): orgs, sessions, courses, classes, users, roles, enrollments — one full snapshot per day.",
    "platform": "Smart-education platform 智慧教育平台: smart-classroom lessons 智慧课堂课次, xAPI learning/homework/assessment/resource events, lesson observations 听评课.",
    "training": "Teacher-training system 研训管理系统 (Chinese-header XLSX/CSV): projects 培训项目, sign-ins 签到, credit audits 学分审核, satisfaction surveys 满意度问卷.",
}
MISSING_IS_ERROR = {"roster"}  # a roster snapshot must be complete; event sources may have quiet days


def _suite_metadata(outcomes: list[SuiteOutcome]) -> dict:
    failed = [
        {"day": day, "rule": o.rule, "column": o.column, "expectation": o.expectation,
         "unexpected": o.unexpected_count, "sample": o.sample}
        for day, s in outcomes for o in s.failed
    ]
    meta: dict = {
        "rows_validated": sum(s.rows for _, s in outcomes),
        "expectations": sum(len(s.outcomes) for _, s in outcomes),
        "expectations_failed": len(failed),
        "gx_seconds": round(sum(s.seconds for _, s in outcomes), 3),
    }
    if failed:
        meta["failures"] = dg.MetadataValue.md(
            "| day | rule | column | expectation | unexpected | sample |\n|---|---|---|---|---|---|\n"
            + "\n".join(f"| {f['day']} | {f['rule']} | {f['column']} | {f['expectation']} | {f['unexpected']} | "
                        f"{', '.join(f['sample'])[:120]} |" for f in failed))
    docs = [s.docs_path for _, s in outcomes if s.docs_path]
    if docs:
        meta["data_docs"] = dg.MetadataValue.path(docs[-1])
    return meta


def table_key(source: str, table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source, table])


PRIMARY_TABLE = {"roster": "users", "platform": "lesson_sessions", "training": "signins"}


def _table_specs(source: Source) -> list[dg.AssetSpec]:
    # the source depends on the roster tables its columns reference (rows are checked against
    # them); every table of the source gets the same deps, as they land together
    refs = sorted({c.references.rsplit(".", 1)[0] for t in source.tables.values() for c in t.columns if c.references})
    specs = []
    for t in source.tables.values():
        specs.append(dg.AssetSpec(
            key=table_key(source.name, t.name),
            group_name=f"raw_{source.name}",
            description=f"{t.label_zh} — `{t.raw_table}`: the day's valid rows ({', '.join(t.files)}); "
                        f"failing rows go to `raw.quarantine`. {DESCRIPTIONS[source.name]}",
            deps=[table_key(*r.split(".")) for r in refs],
            kinds={"duckdb"},
            metadata={"contract": dg.MetadataValue.md(f"docs/sources.md#{source.name}{t.name}"), "key": ", ".join(t.key)},
        ))
    return specs


def _check_specs(source: Source) -> list[dg.AssetCheckSpec]:
    specs = []
    for t in source.tables.values():
        key = table_key(source.name, t.name)
        specs += [
            dg.AssetCheckSpec("contract", asset=key, blocking=True,
                              description="ERROR: the file is readable and carries its required columns"
                                          + (" (and, for a roster snapshot, was delivered)" if source.name in MISSING_IS_ERROR else "")
                                          + "; a failure blocks the partition's downstream assets."),
            dg.AssetCheckSpec("reconciliation", asset=key, blocking=True,
                              description="ERROR: rows read = rows loaded + rows quarantined for every file (nothing lost)."),
            dg.AssetCheckSpec("suite", asset=key,
                              description=f"WARN: Great Expectations suite {t.qualified} ({t.label_zh}) on the day's typed rows."),
        ]
    return specs


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    """One definition per source: its tables land together in one transaction per day."""

    @dg.multi_asset(
        name=f"raw_{source.name}",
        specs=_table_specs(source),
        check_specs=_check_specs(source),
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        retry_policy=dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL),
        can_subset=False,
    )
    def _raw(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        days = days_between(*window_days(context))
        paths = warehouse.paths
        reports: list[LoadReport] = []
        suites: dict[str, list[tuple[str, SuiteOutcome]]] = {t: [] for t in source.tables}
        recon: list[dict] = []
        try:
            with warehouse.connect(log=context.log) as con:
                for day in days:
                    report = load_source_day(con, paths.landing, source.name, day)
                    reports.append(report)
                    tot = report.totals()
                    context.log.info(f"{source.name} {day}: {tot['files']} files, {tot['rows_read']} rows read, "
                                     f"{tot['rows_loaded']} loaded, {tot['rows_quarantined']} quarantined")
                    runner = SuiteRunner(paths.gx_docs / source.name / day)
                    for t in source.tables.values():
                        batch = f"_gx_batch__{t.name}"
                        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                                           [batch]).fetchone()[0]:
                            continue
                        prev = previous_rows_read(con, source.name, t.name, day)
                        suites[t.name].append((day, validate_batch(con, runner, batch, t, day, prev)))
                        con.execute(f"DROP TABLE {batch}")
                    runner.build_docs()
                    recon += [dict(r, day=day) for r in reconcile(con, source.name, day)]
        except TransientWarehouseError:
            raise  # retried by the retry policy
        except Exception as exc:
            raise dg.Failure(description=f"raw_{source.name} failed permanently: {exc}", allow_retries=False) from exc

        for t in source.tables.values():
            key = table_key(source.name, t.name)
            files = [(r.day, f) for r in reports for f in r.files if f.table == t.name]
            rejected = [f for _, f in files if f.status == "rejected"]
            missing = [r.day for r in reports if t.name in r.missing_tables]
            yield dg.AssetCheckResult(
                asset_key=key, check_name="contract", severity=dg.AssetCheckSeverity.ERROR,
                passed=not rejected and not (source.name in MISSING_IS_ERROR and missing),
                metadata={"files_rejected": len(rejected),
                          "rejected": dg.MetadataValue.md("\n".join(f"- `{f.path}`: {f.error}" for f in rejected) or "none"),
                          "days_without_file": ", ".join(missing) or "none"},
            )
            mine = [r for r in recon if r["table"] == t.name]
            broken = [r for r in mine if r["rows_read"] != r["rows_loaded"] + r["rows_quarantined"]]
            yield dg.AssetCheckResult(
                asset_key=key, check_name="reconciliation", severity=dg.AssetCheckSeverity.ERROR, passed=not broken,
                metadata={"files_checked": len(mine),
                          "rows_read": sum(r["rows_read"] for r in mine),
                          "rows_loaded": sum(r["rows_loaded"] for r in mine),
                          "rows_quarantined": sum(r["rows_quarantined"] for r in mine),
                          "mismatches": dg.MetadataValue.json(broken)},
            )
            outcomes = suites[t.name]
            yield dg.AssetCheckResult(
                asset_key=key, check_name="suite", severity=dg.AssetCheckSeverity.WARN,
                passed=all(s.success for _, s in outcomes), metadata=_suite_metadata(outcomes),
            )
            loaded = [f for _, f in files if f.status == "loaded"]
            yield dg.MaterializeResult(asset_key=key, metadata={
                "rows_read": sum(f.rows_read for f in loaded),
                "rows_loaded": sum(f.rows_loaded for f in loaded),
                "rows_quarantined": sum(f.rows_quarantined for f in loaded),
                "files": dg.MetadataValue.md(
                    "| day | file | status | read | loaded | quarantined | rows/s |\n|---|---|---|---|---|---|---|\n"
                    + "\n".join(f"| {d} | `{f.path}` | {f.status} | {f.rows_read} | {f.rows_loaded} | "
                                f"{f.rows_quarantined} | {f.rows_read / f.seconds if f.seconds else 0:,.0f} |"
                                for d, f in files)),
            })

    return _raw


def build_raw_assets() -> list[dg.AssetsDefinition]:
    return [build_raw_asset(s) for s in load_contracts().values()]
