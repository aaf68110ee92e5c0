"""Writing one table of the 研训管理系统 (training source) the way the real system exports it:
Chinese headers (now and then an alias, full-width brackets or stray spaces), XLSX or CSV in
GB18030 / UTF-8 with BOM, and the shared row-level defects of mutators.py.

Used by the issue-17 exports (research topics, project packages, ledgers, careers, IT 2.0, course
library); the older training tables keep their own writer in training.py."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from transforms.contracts import load_contracts
from transforms.demo.mutators import MutationLog, TableSpec
from transforms.demo.world import rng_for
from transforms.demo.writers import CsvSink, header_variant, write_xlsx, xlsx_cells

TRAINING = load_contracts()["training"].tables


def columns(table: str) -> list[str]:
    return [c.name for c in TRAINING[table].columns]


def snapshot_day(day: dt.date, start: dt.date) -> bool:
    """The system's list exports (topics, members, careers ...) arrive on the first day and every Monday."""
    return day == start or day.weekday() == 0


def write_table(landing: Path, log: MutationLog, seed: int, day: dt.date, table: str, rows: list[list[str]],
                spec: TableSpec | None, may_break: Callable[[int], bool] | None = None) -> int:
    """Write `rows` (canonical column order, text values) as the day's file of `table`; returns the
    records written (defects included). may_break(i) False: row i may only be duplicated (rows the
    calibrated figures count must survive the quarantine)."""
    if not rows:
        return 0
    t = TRAINING[table]
    ds = day.isoformat()
    stem = t.files[0].split("*")[0]
    fmt = (day.toordinal() + len(table)) % 3  # GB18030 CSV, UTF-8-with-BOM CSV or XLSX
    name = f"{stem}.xlsx" if fmt == 2 else f"{stem}.csv"
    cols = columns(table)
    header = header_variant(t, cols, rng_for(seed, "practice-headers", day.toordinal(), table), 0.3)
    display = f"training/{ds}/{name}"
    if spec is not None:
        rows = log.mutate_rows(spec, cols, rows, rng_for(seed, "practice-mutation", day.toordinal(), table),
                               ds, display, 1, may_break)
    out = landing / "training" / ds
    out.mkdir(parents=True, exist_ok=True)
    if fmt == 2:  # no title row: training.py titles exactly one workbook a day (tests/test_demo_data.py)
        write_xlsx(out / name, header, xlsx_cells(t, cols, rows))
    else:
        sink = CsvSink(out / name, header, encoding="gb18030" if fmt == 0 else "utf-8-sig")
        sink.write(rows)
        sink.close()
    return len(rows)
