"""Great Expectations 1.x suites, derived from the source contracts (transforms/contracts.yaml).

A suite validates the typed batch of one table for one partition day: every row read, valid or
not (the batch the loader kept before splitting off quarantine), so GX's unexpected counts and the
quarantine describe the same rows. Quarantining bad rows is the intended outcome, so a suite is red
only when a rule, or the quarantine as a whole, takes more than the table's `max_quarantine_share`
(from the contract) of the day's rows: `mostly` on every row-level expectation, plus one
`quarantine_share` expectation on the loader's `_quarantined` flag. Each expectation carries meta
{rule, column} naming the contract rule it enforces; docs/validation.md is generated from the same contract."""
from __future__ import annotations

import datetime as dt

import great_expectations as gx
import great_expectations.expectations as gxe

from transforms.contracts import Table


def ref_flag_column(column: str) -> str:
    """Batch column saying whether a referenced id exists in the roster (NULL when blank)."""
    return f"{column}__in_roster"


QUARANTINED_FLAG = "_quarantined"  # batch column set by the loader: the row failed a contract rule
# A share means little on a small day (one bad sign-in out of six is 17%): this many quarantined
# rows are always tolerated, whatever the share.
TOLERATED_ROWS = 1


def build_suite(table: Table, day: str, previous_rows: int | None = None, flagged: bool = True,
                rows: int | None = None) -> gx.ExpectationSuite:
    """`flagged`: the batch carries the loader's `_quarantined` column (a bare frame in a test may not);
    `rows`: the batch's size, for the small-day tolerance."""
    # collected first, the suite made once at the end: once a context holds a suite of this name
    # (an earlier day), every add_expectation on a new one goes through its store (≈ 17 ms each)
    expectations: list = []
    mostly = 1 - table.max_quarantine_share
    if rows:
        mostly = min(mostly, 1 - TOLERATED_ROWS / rows)
    mostly = round(mostly, 6)
    day_start = dt.datetime.fromisoformat(day)
    for c in table.columns:
        col = c.stored_name
        meta = lambda rule: {"rule": rule, "column": c.name, "label_zh": c.label_zh}  # noqa: E731
        if c.required:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=mostly, meta=meta("required")))
        if c.allowed is not None:
            expectations.append(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=list(c.allowed), mostly=mostly, meta=meta("allowed")))
        if c.min is not None or c.max is not None:
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=col, min_value=c.min, max_value=c.max, mostly=mostly, meta=meta("range")))
        if c.pattern and not c.pii:  # personal data is hashed before GX sees it; its format is a SQL rule
            expectations.append(gxe.ExpectColumnValuesToMatchRegex(column=col, regex=c.pattern, mostly=mostly, meta=meta("pattern")))
        if table.day_column == c.name:
            lo, hi = (day_start, day_start + dt.timedelta(days=1) - dt.timedelta(microseconds=1))
            if c.type == "date":
                # DATE reaches pandas as datetime64 at midnight; a `date` bound never compares
                # equal to it, which made this rule fail on every row-free day
                lo = hi = day_start
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=col, min_value=lo, max_value=hi, mostly=mostly, meta=meta("in_partition_day")))
        if c.references:
            expectations.append(gxe.ExpectColumnValuesToBeInSet(
                column=ref_flag_column(c.name), value_set=[True], mostly=mostly, meta=meta("unknown_reference")))
    key_meta = {"rule": "duplicate_key", "column": ",".join(table.key)}
    if len(table.key) == 1:
        expectations.append(gxe.ExpectColumnValuesToBeUnique(column=table.key[0], mostly=mostly, meta=key_meta))
    else:
        expectations.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(table.key), mostly=mostly, meta=key_meta))
    if flagged:
        expectations.append(gxe.ExpectColumnValuesToBeInSet(
            column=QUARANTINED_FLAG, value_set=[False], mostly=mostly,
            meta={"rule": "quarantine_share", "column": "*", "label_zh": "隔离行占比",
                  "max_share": table.max_quarantine_share}))
    if previous_rows and not table.sporadic:
        # table level: a day that collapses to under half of the previous day's rows is suspicious
        expectations.append(gxe.ExpectTableRowCountToBeBetween(
            min_value=previous_rows // 2, meta={"rule": "row_count_not_collapsed", "column": "*"}))
    return gx.ExpectationSuite(name=f"{table.source}.{table.name}", expectations=expectations)
