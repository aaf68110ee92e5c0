"""Publishing: the analysts' read-only warehouse is replaced atomically after the build succeeds."""

import dagster as dg
import duckdb

from orchestration.partitions import daily_partitions
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource


def build_publish_asset(dbt_assets: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """Downstream of every dbt model."""

    @dg.asset(
        group_name="publish",
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[dbt_assets],
        pool=WAREHOUSE_POOL,
        kinds={"duckdb"},
        description="Analyst warehouse 分析库: a read-only copy of the build warehouse, swapped in atomically "
                    "so queries never see a half-built state.",
    )
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        target = warehouse.publish()
        with duckdb.connect(str(target), read_only=True) as con:
            counts = dict(con.execute(
                "SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() "
                "WHERE schema_name = 'marts' ORDER BY 1").fetchall())
        context.log.info(f"published {target} ({target.stat().st_size:,} bytes, {len(counts)} marts)")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(target)),
            "bytes": target.stat().st_size,
            "mart_rows": dg.MetadataValue.json(counts),
        })

    return published_warehouse
