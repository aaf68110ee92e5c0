"""Run a contract suite on a DataFrame with an ephemeral GX 1.x context and summarise it for
Dagster. (dagster-ge only supports GX 0.x; this is the 1.x glue.)"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import great_expectations as gx
import pandas as pd

from expectations.suites import build_suite
from transforms.contracts import Table

logging.getLogger("great_expectations").setLevel(logging.WARNING)
SAMPLE_SIZE = 5


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str
    rule: str
    success: bool
    unexpected_count: int
    sample: list


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    rows: int
    seconds: float
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    docs_path: str | None = None

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def _context(docs_dir: Path | None):
    ctx = gx.get_context(mode="ephemeral")
    if docs_dir is not None:
        ctx.add_data_docs_site(
            site_name="wudu",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return ctx


def validate_frame(df: pd.DataFrame, table: Table, day: str, previous_rows: int | None = None,
                   docs_dir: Path | None = None) -> SuiteOutcome:
    started = time.monotonic()
    ctx = _context(docs_dir)
    batch_def = (ctx.data_sources.add_pandas(f"{table.source}")
                 .add_dataframe_asset(table.name)
                 .add_batch_definition_whole_dataframe(day))
    suite = ctx.suites.add(build_suite(table, day, previous_rows))
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=f"{table.qualified}:{day}", data=batch_def, suite=suite))
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    pii_cols = {c.stored_name for c in table.columns if c.pii}
    if docs_dir is not None:
        checkpoint = ctx.checkpoints.add(gx.Checkpoint(
            name=f"wudu_{table.source}_{table.name}", validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["wudu"])],
            result_format=result_format))
        cp_result = checkpoint.run(batch_parameters={"dataframe": df})
        result = next(iter(cp_result.run_results.values()))
    else:
        result = vd.run(batch_parameters={"dataframe": df}, result_format=result_format)
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        column = cfg.kwargs.get("column") or ",".join(cfg.kwargs.get("column_list", []))
        sample = [] if column in pii_cols else list(r.result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]
        outcomes.append(ExpectationOutcome(
            expectation=cfg.type, column=meta.get("column", column), rule=meta.get("rule", cfg.type),
            success=bool(r.success), unexpected_count=int(r.result.get("unexpected_count") or 0),
            sample=[str(s) for s in sample]))
    docs_path = None
    if docs_dir is not None:
        index = docs_dir / "index.html"
        docs_path = str(index) if index.exists() else str(docs_dir)
    return SuiteOutcome(suite=table.qualified, success=bool(result.success), rows=len(df),
                        seconds=time.monotonic() - started, outcomes=outcomes, docs_path=docs_path)
