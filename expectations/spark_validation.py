"""The contract suites (expectations/suites.py, their one home) run on Spark DataFrames, for the Spark
engine: GX 1.x's Spark datasource validates a day's typed batch where Spark holds it, with the same
expectations, `mostly` thresholds and meta as the pandas path (expectations/runner.py), and answers
with the same SuiteOutcome, so the raw assets' checks read alike on either engine."""
from __future__ import annotations

import time
from pathlib import Path

import great_expectations as gx

from expectations.runner import SAMPLE_SIZE, SuiteOutcome, _quiet, summarise
from expectations.suites import QUARANTINED_FLAG, build_suite
from transforms.contracts import Table


class SparkSuiteRunner:
    """One ephemeral GX context validating Spark DataFrames (no Data Docs site: the DuckDB path
    renders those; results are returned as SuiteOutcome)."""

    def __init__(self):
        self.ctx = gx.get_context(mode="ephemeral")
        _quiet(self.ctx)

    def validate(self, sdf, table: Table, day: str, previous_rows: int | None = None) -> SuiteOutcome:
        """`sdf`: a pyspark DataFrame holding the table's typed batch for the day."""
        started = time.monotonic()
        rows = sdf.count()
        batch_def = (self.ctx.data_sources.add_or_update_spark(f"spark_{table.source}_{table.name}_{day}")
                     .add_dataframe_asset(table.name)
                     .add_batch_definition_whole_dataframe(day))
        suite = self.ctx.suites.add_or_update(build_suite(table, day, previous_rows,
                                                          flagged=QUARANTINED_FLAG in sdf.columns, rows=rows))
        vd = self.ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"spark:{table.qualified}:{day}", data=batch_def, suite=suite))
        result = vd.run(batch_parameters={"dataframe": sdf},
                        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE})
        return SuiteOutcome(suite=table.qualified, success=bool(result.success), rows=rows,
                            seconds=time.monotonic() - started, outcomes=summarise(result, table))


def batch_to_parquet(con, batch: str, path: Path) -> Path:
    """Hand a DuckDB batch (the loader's typed rows of one table-day) to Spark as a Parquet file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY (SELECT * FROM {batch}) TO '{str(path).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    return path
