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


class SuiteRunner:
    """One ephemeral GX context per source-day: every table's validation lands in the same Data
    Docs site (docs_dir/index.html lists them all)."""

    def __init__(self, docs_dir: Path | None = None):
        self.docs_dir = docs_dir
        self.ctx = gx.get_context(mode="ephemeral")
        if docs_dir is not None:
            self.ctx.add_data_docs_site(
                site_name="wudu",
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )

    def validate(self, df: pd.DataFrame, table: Table, day: str, previous_rows: int | None = None) -> SuiteOutcome:
        started = time.monotonic()
        ctx = self.ctx
        batch_def = (ctx.data_sources.add_or_update_pandas(f"{table.source}_{table.name}")
                     .add_dataframe_asset(table.name)
                     .add_batch_definition_whole_dataframe(day))
        suite = ctx.suites.add_or_update(build_suite(table, day, previous_rows))
        vd = ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"{table.qualified}:{day}", data=batch_def, suite=suite))
        result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
        if self.docs_dir is not None:
            # a checkpoint stores the result for the docs; the site is rendered once, in build_docs()
            checkpoint = ctx.checkpoints.add_or_update(gx.Checkpoint(
                name=f"wudu_{table.source}_{table.name}", validation_definitions=[vd], actions=[],
                result_format=result_format))
            result = next(iter(checkpoint.run(batch_parameters={"dataframe": df}).run_results.values()))
        else:
            result = vd.run(batch_parameters={"dataframe": df}, result_format=result_format)
        return SuiteOutcome(suite=table.qualified, success=bool(result.success), rows=len(df),
                            seconds=time.monotonic() - started, outcomes=summarise(result, table),
                            docs_path=str(self.docs_dir / "index.html") if self.docs_dir else None)


    def build_docs(self) -> str | None:
        """Render the Data Docs site for every validation this runner has stored."""
        if self.docs_dir is None:
            return None
        self.ctx.build_data_docs(site_names=["wudu"])
        return str(self.docs_dir / "index.html")


def summarise(result, table: Table) -> list[ExpectationOutcome]:
    pii_cols = {c.stored_name for c in table.columns if c.pii}
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        column = cfg.kwargs.get("column") or ",".join(cfg.kwargs.get("column_list", []))
        sample = [] if column in pii_cols else list(r.result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]
        outcomes.append(ExpectationOutcome(
            expectation=cfg.type, column=meta.get("column", column), rule=meta.get("rule", cfg.type),
            success=bool(r.success), unexpected_count=int(r.result.get("unexpected_count") or 0),
            sample=[str(v) for v in sample]))
    return outcomes


def validate_frame(df: pd.DataFrame, table: Table, day: str, previous_rows: int | None = None,
                   docs_dir: Path | None = None) -> SuiteOutcome:
    runner = SuiteRunner(docs_dir)
    outcome = runner.validate(df, table, day, previous_rows)
    runner.build_docs()
    return outcome


def merge_outcomes(parts: list[SuiteOutcome]) -> SuiteOutcome:
    """Combine the outcomes of a table validated in chunks: counts add up, samples come from the
    first failing chunks. (Uniqueness is per chunk here; the SQL duplicate_key rule sees the whole day.)"""
    first = parts[0]
    merged: dict[tuple, ExpectationOutcome] = {}
    for part in parts:
        for o in part.outcomes:
            key = (o.expectation, o.column, o.rule)
            if key not in merged:
                merged[key] = ExpectationOutcome(o.expectation, o.column, o.rule, o.success, o.unexpected_count, list(o.sample))
            else:
                m = merged[key]
                m.success = m.success and o.success
                m.unexpected_count += o.unexpected_count
                m.sample = (m.sample + o.sample)[:SAMPLE_SIZE]
    return SuiteOutcome(suite=first.suite, success=all(p.success for p in parts), rows=sum(p.rows for p in parts),
                        seconds=sum(p.seconds for p in parts), outcomes=list(merged.values()), docs_path=first.docs_path)


GX_CHUNK_ROWS = 500_000  # rows per GX batch; pandas memory is ~0.3 KB per xAPI row


def validate_batch(con, runner: SuiteRunner, batch: str, table, day: str, prev: int | None) -> SuiteOutcome:
    """GX over the day's typed batch; big platform days go through in chunks so memory stays bounded."""
    n = con.execute(f"SELECT count(*) FROM {batch}").fetchone()[0]
    if n <= GX_CHUNK_ROWS:
        return runner.validate(con.execute(f"SELECT * FROM {batch}").df(), table, day, prev)
    cur = con.execute(f"SELECT * FROM {batch}")
    parts = []
    while True:
        df = cur.fetch_df_chunk(GX_CHUNK_ROWS // 2048)
        if df.empty:
            break
        parts.append(runner.validate(df, table, day, None))
    return merge_outcomes(parts)
