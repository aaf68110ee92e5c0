"""Run a contract suite with an ephemeral GX 1.x context and summarise it for Dagster.
(dagster-ge only supports GX 0.x; this is the 1.x glue.)

A day's typed batch is validated where the loader left it: GX's SQL datasource on the loader's
DuckDB connection (expectations/duckdb_source.py), over the whole day at once. The one rule GX
cannot express in DuckDB SQL — `pattern` (GX has no regex mapping for the DuckDB dialect) — runs
on GX's pandas datasource over a frame of just the pattern columns. `WUDU_GX_ENGINE=pandas` keeps
the former path (the whole batch as pandas frames of GX_CHUNK_ROWS rows) as the reference."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import great_expectations as gx
import pandas as pd
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                        ValidationResultIdentifier)

from expectations.data_docs import file_url, make_offline
from expectations.duckdb_source import add_duckdb_datasource
from expectations.suites import QUARANTINED_FLAG, build_suite
from transforms.contracts import Table

logging.getLogger("great_expectations").setLevel(logging.WARNING)
log = logging.getLogger("wudu.gx")
SAMPLE_SIZE = 5
# sql: GX on DuckDB SQL (default); pandas: the batch pulled into pandas, the former path and reference
GX_ENGINE = os.environ.get("WUDU_GX_ENGINE", "sql")
# expectations GX 1.x cannot run on DuckDB SQL; they run on a pandas frame of their columns
PANDAS_ONLY = {"expect_column_values_to_match_regex"}


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str
    rule: str
    success: bool
    unexpected_count: int
    sample: list
    error: str | None = None  # GX could not evaluate the expectation (it then counts as failed)


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    rows: int
    seconds: float
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    docs_path: str | None = None  # the site's index.html
    docs_url: str | None = None  # file:// URL of this validation's own page (set by build_docs)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def _quiet(ctx) -> None:
    """No tqdm "Calculating Metrics" bars: they fill the terminal and the step's compute log.
    (Both flags: GX checks metric_calculations even when globally is off.)"""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)


class SuiteRunner:
    """One ephemeral GX context; every validation it runs lands in the same Data Docs site
    (docs_dir/index.html lists them all). `run_name` names the validations in the docs (GX shows
    `__none__` otherwise): the Dagster run id and the day."""

    def __init__(self, docs_dir: Path | None = None, run_name: str | None = None):
        self.docs_dir = docs_dir
        self.run_name = run_name
        self._stored: list[tuple[SuiteOutcome, object]] = []  # outcome, its ValidationResultIdentifier
        # made once per runner, not per table-day: adding a datasource, asset or suite to a GX context
        # goes through its stores, which cost more than a small day's SQL (docs/benchmarks.md)
        self._batch_defs: dict[tuple, object] = {}
        self._suites: dict[str, gx.ExpectationSuite] = {}  # the latest of each name, for the Data Docs
        self.ctx = gx.get_context(mode="ephemeral")
        _quiet(self.ctx)
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
        """The table's suite on a pandas frame of the batch."""
        started = time.monotonic()
        batch_def = self._frame_batch_definition(f"{table.source}_{table.name}")
        suite = build_suite(table, day, previous_rows, flagged=QUARANTINED_FLAG in df.columns, rows=len(df))
        result, vri = self._run(batch_def, suite, f"{table.qualified}:{day}", day, {"dataframe": df})
        return self._outcome(table, len(df), started, summarise(result, table), bool(result.success), vri)

    def validate_sql(self, con, batch: str, table: Table, day: str, previous_rows: int | None = None) -> SuiteOutcome:
        """The table's suite as SQL on `con`, over the batch table `batch` (a TEMP table of the
        loader's connection); its pattern expectations on a pandas frame of their columns."""
        started = time.monotonic()
        rows = con.execute(f"SELECT count(*) FROM {batch}").fetchone()[0]
        columns = [d[0] for d in con.execute(f"SELECT * FROM {batch} LIMIT 0").description]
        full = build_suite(table, day, previous_rows, flagged=QUARANTINED_FLAG in columns, rows=rows)
        # each expectation goes into one of the two suites (GX refuses to put one into two)
        on_pandas = [e for e in full.expectations if e.expectation_type in PANDAS_ONLY]
        suite = gx.ExpectationSuite(name=full.name, expectations=[e for e in full.expectations if e not in on_pandas])
        batch_def = self._table_batch_definition(con, f"{table.source}_{table.name}", batch)
        result, vri = self._run(batch_def, suite, f"{table.qualified}:{day}", day, None)
        outcomes, success = summarise(result, table), bool(result.success)
        if on_pandas:
            part_outcomes, part_success = self._validate_on_frame(con, batch, table, day, on_pandas)
            outcomes, success = outcomes + part_outcomes, success and part_success
        return self._outcome(table, rows, started, outcomes, success, vri)

    def _validate_on_frame(self, con, batch: str, table: Table, day: str, expectations) -> tuple[list, bool]:
        """`expectations` on one pandas frame of just their columns (a few short texts per row:
        the sign-in times, never a big table). A validation of its own in the Data Docs."""
        suite = gx.ExpectationSuite(name=f"{table.source}.{table.name}.pattern", expectations=expectations)
        cols = ", ".join(sorted({'"' + e.column + '"' for e in expectations}))
        batch_def = self._frame_batch_definition(f"{table.source}_{table.name}_pattern")
        result, _ = self._run(batch_def, suite, f"{table.qualified}.pattern:{day}", day,
                              {"dataframe": con.execute(f"SELECT {cols} FROM {batch}").df()})
        return summarise(result, table), bool(result.success)

    def _frame_batch_definition(self, name: str):
        """A whole-dataframe batch definition (the frame comes with each validation), one per name."""
        key = ("frame", name)
        if key not in self._batch_defs:
            self._batch_defs[key] = (self.ctx.data_sources.add_pandas(f"frame_{name}").add_dataframe_asset(name)
                                     .add_batch_definition_whole_dataframe(name))
        return self._batch_defs[key]

    def _table_batch_definition(self, con, name: str, table_name: str):
        """The whole of `table_name` on `con`, one per connection and name (a runner may outlive a
        connection: a retried step reconnects)."""
        key = ("sql", id(con), name, table_name)
        if key not in self._batch_defs:
            earlier = sum(1 for k in self._batch_defs if k[0] == "sql" and k[2] == name)  # on other connections
            source = add_duckdb_datasource(self.ctx, f"duckdb_{name}" + (f"_{earlier}" if earlier else ""), con)
            self._batch_defs[key] = (source.add_table_asset(name, table_name=table_name)
                                     .add_batch_definition_whole_table(name), con)  # con kept: its id stays its own
        return self._batch_defs[key][0]

    def _run(self, batch_def, suite: gx.ExpectationSuite, vd_name: str, day: str, batch_parameters: dict | None):
        """Run `suite` on the batch of `batch_def` (GX's public `Batch.validate`: no validation
        definition or checkpoint to add to the context per table-day) and, when the runner has a
        Data Docs site, store the result for build_docs() to render. Returns (result, its docs
        identifier). `vd_name` names the validation in the result's meta."""
        result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
        run_id = RunIdentifier(run_name=f"{self.run_name or 'wudu'}_{day}")
        result = batch_def.get_batch(batch_parameters=batch_parameters).validate(suite, result_format=result_format)
        result.meta.update(run_id=run_id, validation_time=run_id.run_time, validation_name=vd_name)
        if self.docs_dir is None:
            return result, None
        self._suites[suite.name] = suite
        vri = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
                                         run_id=run_id, batch_identifier=result.batch_id)
        self.ctx.validation_results_store.set(vri, result)
        return result, vri

    def _outcome(self, table: Table, rows: int, started: float, outcomes: list, success: bool, vri) -> SuiteOutcome:
        outcome = SuiteOutcome(suite=table.qualified, success=success, rows=rows, seconds=time.monotonic() - started,
                               outcomes=outcomes, docs_path=str(self.docs_dir / "index.html") if self.docs_dir else None)
        if vri is not None:
            self._stored.append((outcome, vri))
        return outcome

    def build_docs(self) -> str | None:
        """Render the Data Docs site for every validation this runner has stored."""
        if self.docs_dir is None:
            return None
        for suite in self._suites.values():  # each suite's page: its latest day's version
            self.ctx.suites.add_or_update(suite)
        self.ctx.build_data_docs(site_names=["wudu"])
        make_offline(self.docs_dir)
        for outcome, vri in self._stored:
            urls = self.ctx.get_docs_sites_urls(resource_identifier=vri, site_name="wudu", only_if_exists=False)
            outcome.docs_url = next((u["site_url"] for u in urls if u.get("site_url")), None)
        self._stored.clear()
        return str(self.docs_dir / "index.html")

    @property
    def site_url(self) -> str | None:
        return file_url(self.docs_dir / "index.html") if self.docs_dir else None


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
            sample=[_shown(v) for v in sample], error=_error_of(r)))
        if outcomes[-1].error:
            log.warning(f"{table.qualified}: GX could not evaluate {cfg.type} on {column}: {outcomes[-1].error}")
    return outcomes


def _error_of(r) -> str | None:
    """The message of an exception GX caught while evaluating an expectation (GX 1.x keeps it
    either flat or per metric), so an expectation GX could not run is not read as "0 unexpected"."""
    info = r.exception_info or {}
    found = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    msgs = [str(i.get("exception_message") or "error") for i in found if i.get("raised_exception")]
    return "; ".join(msgs)[:300] or None


def _shown(value) -> str:
    """A sample value as text; a missing value reads NULL whichever engine found it (pandas
    hands GX NaN/NaT/NA, SQL hands it None)."""
    try:
        if value is None or pd.isna(value) is True:
            return "NULL"
    except (TypeError, ValueError):
        pass
    return str(value)


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
                merged[key] = ExpectationOutcome(o.expectation, o.column, o.rule, o.success, o.unexpected_count, list(o.sample),
                                                 o.error)
            else:
                m = merged[key]
                m.success = m.success and o.success
                m.unexpected_count += o.unexpected_count
                m.sample = (m.sample + o.sample)[:SAMPLE_SIZE]
                m.error = m.error or o.error
    return SuiteOutcome(suite=first.suite, success=all(p.success for p in parts), rows=sum(p.rows for p in parts),
                        seconds=sum(p.seconds for p in parts), outcomes=list(merged.values()), docs_path=first.docs_path)


GX_CHUNK_ROWS = 500_000  # rows per pandas frame; pandas memory is ~0.3 KB per xAPI row


def validate_batch(con, runner: SuiteRunner, batch: str, table, day: str, prev: int | None,
                   engine: str | None = None) -> SuiteOutcome:
    """GX over the day's typed batch `batch` on `con`: as SQL on DuckDB (`engine` "sql", the
    default from WUDU_GX_ENGINE) or pulled into pandas ("pandas"; big days in chunks, so
    uniqueness is per chunk there)."""
    engine = engine or GX_ENGINE
    if engine not in ("sql", "pandas"):
        raise ValueError(f"WUDU_GX_ENGINE must be sql or pandas, not {engine!r}")
    if engine == "sql":
        return runner.validate_sql(con, batch, table, day, prev)
    n = con.execute(f"SELECT count(*) FROM {batch}").fetchone()[0]
    if n <= GX_CHUNK_ROWS:
        return runner.validate(con.execute(f"SELECT * FROM {batch}").df(), table, day, prev)
    cur = con.execute(f"SELECT * FROM {batch}")
    parts = []
    while not (df := cur.fetch_df_chunk(max(1, GX_CHUNK_ROWS // 2048))).empty:  # whole vectors of 2048 rows
        parts.append(runner.validate(df, table, day, None))
    merged = merge_outcomes(parts)
    # the docs link of the day goes to the first chunk's page
    runner._stored = [(merged if o is parts[0] else o, v) for o, v in runner._stored]
    return merged
