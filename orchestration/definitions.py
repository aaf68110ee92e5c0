"""The one Definitions object of the wudu code location."""
from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import dbt_resource, wudu_dbt_assets
from orchestration.assets.publish import published_warehouse
from orchestration.assets.raw import raw_assets
from orchestration.assets.reports import five_degree_reports
from orchestration.freshness import freshness_checks, freshness_job, freshness_schedule
from orchestration.jobs import daily_job, landing_sensor, nightly_schedule
from orchestration.resources import WarehouseResource

defs = dg.Definitions(
    assets=[*raw_assets, wudu_dbt_assets, published_warehouse, five_degree_reports],
    asset_checks=freshness_checks,
    jobs=[daily_job, freshness_job],
    schedules=[nightly_schedule, freshness_schedule],
    sensors=[landing_sensor],
    resources={
        "warehouse": WarehouseResource(data_dir=dg.EnvVar("WUDU_DATA_DIR")),
        "dbt": dbt_resource(),
    },
    # DuckDB allows one writer: a run executes its steps one after another in one process.
    executor=dg.in_process_executor,
)
