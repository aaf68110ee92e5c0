"""Publishing: the analysts' read-only warehouse (marts and seeds, labelled) replaced atomically after
the build succeeds, and optionally copied to PostgreSQL for BI tools (skipped when WUDU_PG_URL is unset)."""

import dagster as dg

from orchestration.partitions import backfill_policy, daily_partitions
from orchestration.resources import WAREHOUSE_POOL, PostgresTargetResource, WarehouseResource
from orchestration.run_guard import raise_if_stopped
from transforms.publish.postgres import publish_postgres


def _how(report) -> str:
    """How a publish went, for the run's log (either target's report)."""
    if report.mode == "incremental":
        days = ", ".join(f"{a}..{b}" for a, b in report.refreshed) or "none"
        return f"incremental: days {days} of the daily facts replaced, the other tables rewritten"
    return f"full: every table written ({report.reason})"


def build_publish_asset(dbt_assets: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """Downstream of the dbt step. Its deps are the reference seeds — built by every dbt run, as
    they read no landing source — rather than every model: a source held back by a rejected file
    (transforms.blocking: `--exclude source:<src>+`) leaves its models unbuilt, and Dagster skips
    whatever depends on an output that was not yielded; the other sources must still publish.
    A failed dbt step still stops publishing (its downstream steps do not run)."""
    seeds = [k for k, g in dbt_assets.group_names_by_key.items() if g == "reference_seeds"]

    @dg.asset(
        group_name="publish",
        partitions_def=daily_partitions,
        backfill_policy=backfill_policy(),
        deps=seeds or [dbt_assets],
        pool=WAREHOUSE_POOL,
        kinds={"duckdb"},
        description="Analyst warehouse 分析库: the marts, data-quality marts and reference seeds of the build "
                    "warehouse with a Chinese comment on every table and column, in DuckDB 1.4 storage format, "
                    "swapped in atomically so queries never see a half-built state. Incremental: the previous "
                    "file (a hidden standby) gets the daily facts' days dbt changed since it was written.",
    )
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        raise_if_stopped("publish", context)  # nothing is published after an interrupt
        report = warehouse.publish()
        context.log.info(f"published {report.path} ({report.bytes:,} bytes, {len(report.tables)} tables, "
                         f"{len(report.views)} Chinese views) in {report.seconds:.1f}s — {_how(report)}")
        if report.unlabelled:
            context.log.warning(f"{len(report.unlabelled)} published tables/columns have no description in the "
                                f"dbt YAML (no comment): {', '.join(report.unlabelled[:20])}")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(report.path)),
            "bytes": report.bytes,
            "seconds": round(report.seconds, 2),
            "mode": report.mode,
            "full_publish_reason": report.reason,
            "refreshed_days": ", ".join(f"{a}..{b}" for a, b in report.refreshed),
            "table_rows": dg.MetadataValue.json(report.tables),
            "unlabelled": len(report.unlabelled),
        })

    return published_warehouse


def build_postgres_publish_asset(published: dg.AssetsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        group_name="publish",
        partitions_def=daily_partitions,
        backfill_policy=backfill_policy(),
        deps=[published],
        output_required=False,
        kinds={"postgres"},
        description="The analyst warehouse in PostgreSQL 分析库(PostgreSQL) for BI tools (DataEase, FineBI, "
                    "Superset): schemas marts, seeds, marts_zh with comments, swapped in one transaction (incremental: the "
                    "daily facts' changed days replaced in place, the other tables swapped in); "
                    "read-only role wudu_analyst. Present only when WUDU_PG_URL is set where the code location loads.",
    )
    def postgres_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                           postgres: PostgresTargetResource):
        if not postgres.url:
            context.log.info(f"{postgres.url_env} is not set: PostgreSQL publishing skipped")
            return
        report = publish_postgres(warehouse.paths.published_db, postgres.url, postgres.analyst_role)
        context.log.info(f"published {len(report.tables)} tables to {report.url} in {report.seconds:.1f}s — "
                         f"{_how(report)}")
        yield dg.MaterializeResult(metadata={"url": report.url, "seconds": round(report.seconds, 2),
                                             "mode": report.mode, "full_publish_reason": report.reason,
                                             "refreshed_days": ", ".join(f"{a}..{b}" for a, b in report.refreshed),
                                             "table_rows": dg.MetadataValue.json(report.tables)})

    return postgres_warehouse
