"""The one Definitions object of the wudu code location, built when Dagster loads it (not at import)."""
from __future__ import annotations

from functools import cache

import dagster as dg

from orchestration.assets.dbt import build_dbt_assets, dbt_resource, wudu_dbt_project
from orchestration.assets.publish import build_postgres_publish_asset, build_publish_asset
from orchestration.assets.raw import build_raw_assets
from orchestration.assets.reports import build_reports_asset
from orchestration.freshness import freshness_checks, freshness_job, freshness_schedule
from orchestration.jobs import daily_job, landing_sensor, nightly_schedule
from orchestration.resources import PostgresTargetResource, WarehouseResource
from orchestration.run_guard import dead_run_monitor
from transforms.settings import engine, pii_key


def build_assets() -> list[dg.AssetsDefinition]:
    """Every asset in build order: raw (per source) → dbt models → published warehouse."""
    dbt_assets = build_dbt_assets(wudu_dbt_project())
    published = build_publish_asset(dbt_assets)
    assets = [*build_raw_assets(), dbt_assets, published, build_reports_asset(published)]
    # the PostgreSQL copy exists only where a target is configured: an asset that never
    # materialises would turn every "materialize all" backfill red
    if PostgresTargetResource().url:
        assets.append(build_postgres_publish_asset(published))
    return assets


def build_resources(data_dir: str | dg.EnvVar = dg.EnvVar("WUDU_DATA_DIR")) -> dict:
    return {"warehouse": WarehouseResource(data_dir=data_dir, engine=engine()), "dbt": dbt_resource(),
            "postgres": PostgresTargetResource()}


@dg.definitions
@cache
def defs() -> dg.Definitions:
    # real data without WUDU_PII_KEY stops here, when the UI, the daemon or a run loads the code
    # location, with the reason; never with the public demo key
    pii_key()
    return dg.Definitions(
        assets=build_assets(),
        asset_checks=freshness_checks,
        jobs=[daily_job, freshness_job],
        schedules=[nightly_schedule, freshness_schedule],
        sensors=[landing_sensor, dead_run_monitor],
        resources=build_resources(),
        # DuckDB allows one writer: a run executes its steps one after another in one process.
        executor=dg.in_process_executor,
    )
