"""The one Definitions object of the wudu code location, built when Dagster loads it (not at import)."""
from __future__ import annotations

from functools import cache

import dagster as dg

from orchestration.assets.dbt import build_dbt_assets, dbt_resource, wudu_dbt_project
from orchestration.assets.publish import build_publish_asset
from orchestration.assets.raw import build_raw_assets
from orchestration.freshness import freshness_checks, freshness_job, freshness_schedule
from orchestration.jobs import daily_job, landing_sensor, nightly_schedule
from orchestration.resources import WarehouseResource


def build_assets() -> list[dg.AssetsDefinition]:
    """Every asset in build order: raw (per source) → dbt models → published warehouse."""
    dbt_assets = build_dbt_assets(wudu_dbt_project())
    return [*build_raw_assets(), dbt_assets, build_publish_asset(dbt_assets)]


def build_resources(data_dir: str | dg.EnvVar = dg.EnvVar("WUDU_DATA_DIR")) -> dict:
    return {"warehouse": WarehouseResource(data_dir=data_dir), "dbt": dbt_resource()}


@dg.definitions
@cache
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=build_assets(),
        asset_checks=freshness_checks,
        jobs=[daily_job, freshness_job],
        schedules=[nightly_schedule, freshness_schedule],
        sensors=[landing_sensor],
        resources=build_resources(),
        # DuckDB allows one writer: a run executes its steps one after another in one process.
        executor=dg.in_process_executor,
    )
