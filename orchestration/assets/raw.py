"""Raw assets: one per source, daily-partitioned. Each lands that day's files into the build
warehouse (valid rows → raw.<source>__<table>, failing rows → raw.quarantine) and reports:
- `contract` (ERROR): every file recognised, readable, with its required columns; a failure
  blocks the source's downstream dbt models only (transforms.blocking: the dbt step excludes
  `source:<source>+`), so the other sources are still modelled and published;
- `reconciliation` (ERROR, blocking): rows read = rows loaded + rows quarantined, per file, as
  counted back from the warehouse;
- `<table>_suite` (WARN): the table's Great Expectations suite over the day's typed batch; red when
  a rule, or the quarantine as a whole, takes more than the table's `max_quarantine_share`.
Each run writes one Data Docs site (gx_docs/<days>__<run id>/) and links every day's page."""

from pathlib import Path

import dagster as dg

from expectations.data_docs import prune_sites, site_name
from expectations.runner import SuiteOutcome, SuiteRunner, validate_batch
from orchestration.labels import CHECK_DESCRIPTIONS_ZH, labelled
from orchestration.partitions import backfill_policy, days_between, daily_partitions, window_days
from orchestration.resources import WAREHOUSE_POOL, TransientWarehouseError, WarehouseResource
from orchestration.run_guard import CLEAR_MISSING_TAG, RunStopped, raise_if_stopped
from transforms.blocking import MISSING_IS_ERROR
from transforms.contracts import Source, load_contracts
from transforms.lake import sink_source_day
from transforms.loader import LoadReport, load_source_day
from transforms.reconcile import previous_rows_read, reconcile

DESCRIPTIONS = {
    "roster": "School rosters 学校花名册 (OneRoster 1.2 CSV): orgs, sessions, courses, classes, users, roles, enrollments — one full snapshot per day.",
    "platform": "Smart-education platform 智慧教育平台: smart-classroom lessons 智慧课堂课次, xAPI learning/homework/assessment/resource events, lesson observations 听评课.",
    "training": "Teacher-training system 研训管理系统 (Chinese-header XLSX/CSV): projects 培训项目, sign-ins 签到, credit audits 学分审核, satisfaction surveys 满意度问卷.",
}
# the contract's human-readable copy, as a link the UI can open on the machine that serves it
CONTRACT_DOC_URL = (Path(__file__).resolve().parents[2] / "docs" / "sources.md").as_uri()


def _suite_metadata(outcomes: list[tuple[str, SuiteOutcome]], site_url: str | None = None) -> dict:
    failed = [
        {"day": day, "rule": o.rule, "column": o.column, "expectation": o.expectation,
         "unexpected": o.unexpected_count, "sample": [f"GX error: {o.error}"] if o.error else o.sample}
        for day, s in outcomes for o in s.failed
    ]
    meta: dict = {
        "rows_validated": sum(s.rows for _, s in outcomes),
        "expectations": sum(len(s.outcomes) for _, s in outcomes),
        "expectations_failed": len(failed),
        "gx_seconds": round(sum(s.seconds for _, s in outcomes), 3),
    }
    if failed:
        # one line the run summary can print: what broke, and where to look
        worst = max(failed, key=lambda f: f["unexpected"])
        meta["fix"] = (f"{worst['rule']} on {worst['column']} ({worst['unexpected']} rows, {worst['day']}): "
                       "see raw.quarantine and the Data Docs page; fix the export or raise max_quarantine_share in "
                       "transforms/contracts.yaml if the rate is expected")
    if failed:
        meta["failures"] = dg.MetadataValue.md(
            "| day | rule | column | expectation | unexpected | sample |\n|---|---|---|---|---|---|\n"
            + "\n".join(f"| {f['day']} | {f['rule']} | {f['column']} | {f['expectation']} | {f['unexpected']} | "
                        f"{', '.join(f['sample'])[:120]} |" for f in failed))
    if site_url:
        meta["data_docs"] = dg.MetadataValue.url(site_url)
    for day, s in outcomes:  # every day of the range, not just the last
        if s.docs_url:
            meta[f"data_docs {day}"] = dg.MetadataValue.url(s.docs_url)
    return labelled(meta)


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
            metadata=labelled({"contract": dg.MetadataValue.md(f"[docs/sources.md#{source.name}{t.name}]"
                                                               f"({CONTRACT_DOC_URL}#{source.name}{t.name})"),
                               "key": ", ".join(t.key)}),
        ))
    return specs


def _check_specs(source: Source) -> list[dg.AssetCheckSpec]:
    specs = []
    for t in source.tables.values():
        key = table_key(source.name, t.name)
        specs += [
            dg.AssetCheckSpec("contract", asset=key,
                              description=CHECK_DESCRIPTIONS_ZH["contract"] + " ERROR: the file is recognised, readable and carries its required columns"
                                          + (" (and, for a roster snapshot, was delivered)" if source.name in MISSING_IS_ERROR else "")
                                          + (" — and no file of the source's landing folder is left unrecognised"
                                             if t.name == PRIMARY_TABLE[source.name] else "")
                                          + "; a failure holds back this source's downstream dbt models (only)."),
            dg.AssetCheckSpec("reconciliation", asset=key, blocking=True,
                              description=CHECK_DESCRIPTIONS_ZH["reconciliation"] + " ERROR: rows read = rows loaded + rows quarantined for every file (nothing lost)."),
            dg.AssetCheckSpec("suite", asset=key,
                              description=CHECK_DESCRIPTIONS_ZH["suite"] + f" WARN: Great Expectations suite {t.qualified} "
                                          f"({t.label_zh}) on the day's typed rows; red when more than "
                                          f"{t.max_quarantine_share:.0%} of them (per rule or in all) are quarantined."),
            dg.AssetCheckSpec("complete_delivery", asset=key,
                              description=CHECK_DESCRIPTIONS_ZH["complete_delivery"] + " WARN: the day was replaced by a complete "
                                          "delivery; fails when earlier rows were kept because the source delivered no file "
                                          "for a day already loaded, or a file was rejected (clear such a day on purpose "
                                          f"with the run tag {CLEAR_MISSING_TAG}=true)."),
        ]
    return specs


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    """One definition per source: its tables land together in one transaction per day."""

    @dg.multi_asset(
        name=f"raw_{source.name}",
        specs=_table_specs(source),
        check_specs=_check_specs(source),
        partitions_def=daily_partitions,
        backfill_policy=backfill_policy(),
        pool=WAREHOUSE_POOL,
        retry_policy=dg.RetryPolicy(max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL),
        can_subset=False,
    )
    def _raw(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        raise_if_stopped(f"raw_{source.name}", context)
        clear_missing = context.run.tags.get(CLEAR_MISSING_TAG, "").lower() == "true"
        first, last = window_days(context)
        days = days_between(first, last)
        paths = warehouse.paths
        # one Data Docs site per run (the three sources share it), named after the days and the run
        runner = SuiteRunner(paths.gx_docs / site_name(context.run_id, first, last), run_name=context.run_id[:8])
        reports: list[LoadReport] = []
        suites: dict[str, list[tuple[str, SuiteOutcome]]] = {t: [] for t in source.tables}
        recon: list[dict] = []
        try:
            with warehouse.connect(log=context.log) as con:
                for day in days:
                    report = load_source_day(con, paths.landing, source.name, day, clear_missing=clear_missing)
                    reports.append(report)
                    if warehouse.is_spark:  # the same landed day, as Parquet partitions Spark reads
                        sink = sink_source_day(con, warehouse.lake, source, day)
                        context.log.info(f"{source.name} {day}: lake partitions written ({sum(sink.tables.values())} rows)")
                    tot = report.totals()
                    context.log.info(f"{source.name} {day}: {tot['files']} files, {tot['rows_read']} rows read, "
                                     f"{tot['rows_loaded']} loaded, {tot['rows_quarantined']} quarantined")
                    for t in source.tables.values():
                        batch = f"_gx_batch__{t.name}"
                        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                                           [batch]).fetchone()[0]:
                            continue
                        prev = previous_rows_read(con, source.name, t.name, day)
                        outcome = validate_batch(con, runner, batch, t, day, prev)
                        # a stop interrupts GX's queries, which GX reports as expectation errors:
                        # stop here instead of reading them as results
                        raise_if_stopped(f"the rest of raw_{source.name} (after validating {t.name})")
                        suites[t.name].append((day, outcome))
                        con.execute(f"DROP TABLE {batch}")
                    recon += [dict(r, day=day) for r in reconcile(con, source.name, day)]
            runner.build_docs()
            prune_sites(paths.gx_docs)
        except (TransientWarehouseError, RunStopped):
            raise  # retried by the retry policy / the stop as it was asked
        except Exception as exc:
            raise dg.Failure(description=f"raw_{source.name} failed permanently: {exc}", allow_retries=False) from exc

        for t in source.tables.values():
            key = table_key(source.name, t.name)
            files = [(r.day, f) for r in reports for f in r.files if f.table == t.name]
            rejected = [f for _, f in files if f.status == "rejected"]
            if t.name == PRIMARY_TABLE[source.name]:  # files no table recognises are reported once, here
                rejected += [f for r in reports for f in r.not_recognised]
            missing = [r.day for r in reports if t.name in r.missing_tables]
            yield dg.AssetCheckResult(
                asset_key=key, check_name="contract", severity=dg.AssetCheckSeverity.ERROR,
                passed=not rejected and not (source.name in MISSING_IS_ERROR and missing),
                description="; ".join(f"{f.path}: {f.error}" for f in rejected)[:500] or None,
                metadata=labelled({"files_rejected": len(rejected),
                          "rejected": dg.MetadataValue.md("\n".join(f"- `{f.path}`: {f.error}" for f in rejected) or "none"),
                          "days_without_file": ", ".join(missing) or "none"}),
            )
            mine = [r for r in recon if r["table"] == t.name]
            broken = [r for r in mine if r["rows_read"] != r["rows_loaded"] + r["rows_quarantined"]]
            yield dg.AssetCheckResult(
                asset_key=key, check_name="reconciliation", severity=dg.AssetCheckSeverity.ERROR, passed=not broken,
                metadata=labelled({"files_checked": len(mine),
                          "rows_read": sum(r["rows_read"] for r in mine),
                          "rows_loaded": sum(r["rows_loaded"] for r in mine),
                          "rows_quarantined": sum(r["rows_quarantined"] for r in mine),
                          "mismatches": dg.MetadataValue.json(broken)}),
            )
            kept = [(r.day, *r.kept[t.name]) for r in reports if t.name in r.kept]
            for day, reason, n in kept:
                context.log.warning(f"{source.name}/{t.name} {day}: {n} earlier rows kept — {reason} "
                                    f"(run with tag {CLEAR_MISSING_TAG}=true / `wudu run --clear-missing` to clear)")
            yield dg.AssetCheckResult(
                asset_key=key, check_name="complete_delivery", severity=dg.AssetCheckSeverity.WARN, passed=not kept,
                metadata=labelled({"days_kept": ", ".join(d for d, _, _ in kept) or "none",
                                   "rows_kept": sum(n for _, _, n in kept),
                                   "reasons": dg.MetadataValue.md("\n".join(f"- {d}: {why} ({n} rows kept)" for d, why, n in kept)
                                                                  or "every day replaced by its delivery")}),
            )
            outcomes = suites[t.name]
            yield dg.AssetCheckResult(
                asset_key=key, check_name="suite", severity=dg.AssetCheckSeverity.WARN,
                passed=all(s.success for _, s in outcomes), metadata=_suite_metadata(outcomes, runner.site_url),
            )
            loaded = [f for _, f in files if f.status == "loaded"]
            yield dg.MaterializeResult(asset_key=key, metadata=labelled({
                "rows_read": sum(f.rows_read for f in loaded),
                "rows_loaded": sum(f.rows_loaded for f in loaded),
                "rows_quarantined": sum(f.rows_quarantined for f in loaded),
                "files": dg.MetadataValue.md(
                    "| day | file | status | read | loaded | quarantined | rows/s |\n|---|---|---|---|---|---|---|\n"
                    + "\n".join(f"| {d} | `{f.path}` | {f.status} | {f.rows_read} | {f.rows_loaded} | "
                                f"{f.rows_quarantined} | {f.rows_read / f.seconds if f.seconds else 0:,.0f} |"
                                for d, f in files)),
            }))

    return _raw


def build_raw_assets() -> list[dg.AssetsDefinition]:
    return [build_raw_asset(s) for s in load_contracts().values()]
