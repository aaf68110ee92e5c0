"""The dbt project as Dagster assets, partitioned daily: each run passes its partition window to
dbt as vars, so incremental models rebuild exactly those days and dims rebuild from snapshots."""

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.assets.raw import WAREHOUSE_POOL
from orchestration.partitions import daily_partitions, window_days
from orchestration.resources import WarehouseResource, dbt_executable

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# prepare_if_dev() (under `dagster dev` only) runs `dbt parse` with the dbt found on PATH: make
# that the venv's, whatever shell started the UI
_venv_bin = str(Path(dbt_executable()).parent)
if _venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _venv_bin + os.pathsep + os.environ.get("PATH", "")
dbt_project.prepare_if_dev()


class WuduDbtTranslator(DagsterDbtTranslator):
    """Groups: staging_<source>, else the model's top folder, which is its layer or subject area (core,
    five_degree, training, smart_classroom, ops; dbt_project/models/). (Sources map to the raw
    tables' keys, raw/<source>/<table>, through meta.dagster.asset_key in _sources.yml.)"""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        name = dbt_resource_props.get("name", "")
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference_seeds"
        if name.startswith("stg_") and "__" in name:
            return f"staging_{name[4:].split('__')[0]}"
        return fqn[1] if len(fqn) >= 3 else "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable())


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=WuduDbtTranslator(),
    pool=WAREHOUSE_POOL,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def wudu_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    min_day, max_day = window_days(context)
    dbt_vars = {"min_day": min_day, "max_day": max_day}
    context.log.info(f"dbt build for {min_day}..{max_day} on {warehouse.paths.build_db}")
    yield from dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context).stream()
