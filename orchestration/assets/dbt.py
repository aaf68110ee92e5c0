"""The dbt project as Dagster assets, partitioned daily: each run passes its partition window to
dbt as vars, so incremental models rebuild exactly those days and dims rebuild from snapshots.
Nothing happens at import: `wudu_dbt_project()` and `build_dbt_assets()` are called by the
Definitions loader."""

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.dbt_project import using_dagster_dev

from orchestration.partitions import daily_partitions, window_days
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource, dbt_executable

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def prepare_if_dev(project: DbtProject) -> None:
    """Under `dagster dev`, re-parse the project with the venv's dbt (whatever PATH the shell has),
    so model edits show up on reload; elsewhere the manifest from `make setup` is used as is.
    (DbtProject.prepare_if_dev would run whichever `dbt` is first on PATH.)"""
    if using_dagster_dev():
        subprocess.run([dbt_executable(), "parse", "--quiet", "--profiles-dir", str(project.profiles_dir),
                        "--target-path", str(project.target_path)], cwd=project.project_dir, check=True)


def wudu_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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


def dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    project = project or wudu_dbt_project()
    return DbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=dbt_executable())


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    prepare_if_dev(project)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
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

    return wudu_dbt_assets
