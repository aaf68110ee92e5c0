"""Readers for the exports a centre really receives: CSV in any of the usual Chinese encodings,
XLSX with title rows above the header, header aliases, zipped roster folders, huge JSONL streams.

Tabular readers return every value as text (None for blanks) so that typing and rule checks
happen in one place (transforms.rules) and a bad value is quarantined rather than crashing."""
from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from transforms.contracts import Table, header_map, normalise_header
from transforms.errors import ContractError
from transforms.pii import scrub_field

log = logging.getLogger("wudu.readers")

HEADER_SCAN_ROWS = 10


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK, Chinese Excel's default), from a
    sample (a file's first MiB): a multi-byte character the sample's end cuts in two is not an error —
    decoded incrementally, its first bytes wait for the rest. (A GBK export over 1 MiB whose MiB
    ended inside a character was rejected as unreadable: three of a city's training files in 33 days.)"""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    failed_at = 0
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError as exc:
            failed_at = exc.start
    raise ValueError(f"neither UTF-8 nor GB18030 (byte {failed_at})")


class NumberCell(str):
    """Text of a cell Excel stored as a number: an ID in such a cell may have lost digits
    (Excel keeps 15 significant digits), which the reader reports instead of guessing."""

    digits: int = 0


def cell_text(value) -> str | None:
    """A spreadsheet cell as text, converted by its Excel type rather than its display text:
    dates as YYYY-MM-DD, date-times as YYYY-MM-DD HH:MM:SS, times as HH:MM:SS, whole numbers
    without a trailing .0."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = NumberCell(str(value))
        text.digits = len(str(abs(value)).replace(".", "").lstrip("0"))
        return text
    text = str(value).strip()
    return text or None


def xlsx_values(path: Path, display: str = "") -> list[tuple[str, list[list]]]:
    """(sheet name, rows of cell values) of every worksheet, from row 1 and column A, values as Excel
    typed them (cached results for formulas). python-calamine (Rust) parses the XML ≈ 10× faster than
    openpyxl: a city day's 250k spreadsheet rows took ≈ 22 s of the training landing with openpyxl
    (docs/benchmarks.md). openpyxl stays the reference (tests/test_readers.py compares the two cell by
    cell) and the fallback for a workbook calamine cannot open, which is logged."""
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        try:
            return [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]
        finally:
            wb.close()
    except Exception as exc:  # noqa: BLE001 - any failure: the reference reader decides
        log.info("%s: read with openpyxl (%s: %s)", display or path.name, type(exc).__name__, exc)
    return xlsx_values_openpyxl(path)


def xlsx_values_openpyxl(path: Path) -> list[tuple[str, list[list]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


def _xls_cell(cell, datemode: int):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        if 0 <= cell.value < 1:  # a time of day without a date
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode).time()
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


def _read_sheets(path: Path, display: str) -> list[tuple[str | None, pd.DataFrame]]:
    """Every sheet of a workbook (one unnamed grid for a CSV), all cells as text."""
    suffix = path.name.lower().rsplit(".", 1)[-1]
    try:
        sheets: list[tuple[str | None, list[list]]] = []
        if suffix in ("xlsx", "xlsm"):
            sheets = [(name, [[cell_text(v) for v in row] for row in rows]) for name, rows in xlsx_values(path, display)]
        elif suffix == "xls":
            import xlrd

            book = xlrd.open_workbook(str(path))
            for sh in book.sheets():
                sheets.append((sh.name, [[cell_text(_xls_cell(c, book.datemode)) for c in sh.row(i)]
                                         for i in range(sh.nrows)]))
        else:
            with open(path, "rb") as fh:
                encoding = detect_encoding(fh.read(1 << 20))
            grid = pd.read_csv(path, header=None, dtype=str, encoding=encoding, keep_default_na=False,
                               skip_blank_lines=False)
            sheets.append((None, grid.map(lambda v: None if str(v).strip() == "" else str(v).strip()).values.tolist()))
    except ContractError:
        raise
    except Exception as exc:  # unreadable file: reject it, name it
        raise ContractError(display, "unreadable", f"{type(exc).__name__}: {exc}") from exc
    out = []
    for name, rows in sheets:
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)
        out.append((name, grid.astype(object).where(grid.notna(), None)))
    return out


def _find_header_row(grid: pd.DataFrame, table: Table) -> tuple[int, int]:
    """(row, required columns it names): the first row naming every required column, else the
    row naming most (title rows and blank rows above the header are skipped); (-1, 0) if none."""
    hmap = header_map(table)
    required = {c.name for c in table.required_columns} or {c.name for c in table.columns}
    best, best_hits = -1, 0
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        names = {hmap.get(normalise_header(v)) for v in grid.iloc[i] if v is not None}
        hits = len(names & required)
        if hits > best_hits:
            best, best_hits = i, hits
        if hits == len(required):
            break
    return best, best_hits


def read_tabular(path: Path, table: Table, display: str) -> pd.DataFrame:
    """Read a CSV/XLS/XLSX export into canonical columns (text), `_row_number`, `_sheet`,
    `_extra` (JSON of unknown columns, personal data hashed) and `_cell_rules` (cell-level
    findings such as an ID stored as a number). Every sheet that carries the table's header is
    read (a workbook with one sheet per session); sheets without it (instructions) are skipped
    and named in the log. Raises ContractError naming the file and column when no sheet has a
    usable header, or when a header is ambiguous."""
    sheets = _read_sheets(path, display)
    required = {c.name for c in table.required_columns} or {c.name for c in table.columns}
    found = [(name, grid, *_find_header_row(grid, table)) for name, grid in sheets]
    usable = [(name, grid, row) for name, grid, row, hits in found if row >= 0 and hits == len(required)]
    if not usable:
        name, grid, row, hits = max(found, key=lambda f: f[3]) if found else (None, None, -1, 0)
        if grid is None or not grid.notna().any().any():
            raise ContractError(display, "empty_file", f"no header row: the file has no non-blank row ({table.qualified})")
        if row < 0:  # no plausible header: the first non-blank row, so the error names what is missing
            row = next(i for i in range(len(grid)) if grid.iloc[i].notna().any())
        usable = [(name, grid, row)]
    skipped = [name for name, *_ in sheets if name not in {u[0] for u in usable}]
    if skipped:
        log.info("%s: sheet(s) without the %s header skipped 跳过无表头的工作表: %s", display, table.qualified, ", ".join(skipped))
    frames = [_read_sheet(grid, row, table, display, name if len(sheets) > 1 else None) for name, grid, row in usable]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out["_row_number"] = range(1, len(out) + 1)  # records of the file, across its sheets
    return out.astype(object).where(out.notna(), None)


def _read_sheet(grid: pd.DataFrame, hrow: int, table: Table, display: str, sheet: str | None) -> pd.DataFrame:
    hmap = header_map(table)
    headers = [v if v is not None else f"_unnamed_{j}" for j, v in enumerate(grid.iloc[hrow])]
    body = grid.iloc[hrow + 1:].reset_index(drop=True)
    body.columns = range(len(headers))
    # blank lines are not records; numbering counts records, as the demo's mutation log does
    body = body[body.notna().any(axis=1)].reset_index(drop=True)
    where = f"{display}" + (f" [{sheet}]" if sheet else "")

    canonical: dict[str, int] = {}
    extras: dict[str, int] = {}
    for j, h in enumerate(headers):
        name = hmap.get(normalise_header(h))
        if name and name in canonical:
            first = headers[canonical[name]]
            if not body[j].equals(body[canonical[name]]):
                raise ContractError(where, "ambiguous_header",
                                    f"two columns map to {name} ({table.column(name).label_zh}): '{first}' "
                                    f"(column {canonical[name] + 1}) and '{h}' (column {j + 1}) hold different "
                                    f"values — rename or remove one in the export 表头重复")
        elif name:
            canonical[name] = j
        elif not h.startswith("_unnamed_") or body[j].notna().any():
            extras[h] = j
    missing = [c for c in table.required_columns if c.name not in canonical]
    if missing:
        cols = ", ".join(f"{c.name} ({c.header or c.name} / {c.label_zh})" for c in missing)
        raise ContractError(where, "missing_required_column", f"required column(s) missing: {cols}")

    out = pd.DataFrame({"_row_number": range(1, len(body) + 1)})
    cell_rules = [[] for _ in range(len(body))]
    for c in table.columns:
        if c.name not in canonical:
            out[c.name] = None
            continue
        values = body[canonical[c.name]].to_numpy()
        for i, v in enumerate(values):
            # an ID, 学籍号 or phone stored as a number, or any number past Excel's 15 digits
            if isinstance(v, NumberCell) and c.type == "string" and (
                    c.pii in ("id_card", "student_no", "phone") or v.digits > 15):
                cell_rules[i].append(f"number_cell:{c.name}")
        out[c.name] = [str(v) if v is not None else None for v in values]
    out["_sheet"] = sheet
    out["_cell_rules"] = [",".join(r) or None for r in cell_rules]
    if extras:
        ex = body[list(extras.values())]
        ex.columns = list(extras.keys())
        kept = [{k: scrub_field(k, str(v)) for k, v in rec.items() if v is not None} for rec in ex.to_dict("records")]
        out["_extra"] = [json.dumps(k, ensure_ascii=False) if k else None for k in kept]
    else:
        out["_extra"] = None
    return out


def iter_jsonl_lines(path: Path, batch_bytes: int = 16 << 20) -> Iterator[pa.Table]:
    """Stream a (optionally gzipped) JSON Lines file as Arrow batches of raw lines with their line
    numbers, so memory stays bounded by the batch and every line keeps its number.
    (pyarrow's CSV reader was measured holding ~2x the file in RSS; plain buffered reads do not.)"""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    # the same encoding detection as CSV: a UTF-8 BOM is dropped, GBK exports are decoded as GB18030
    encoding = sniff_encoding(path, str(path.name), "JSON Lines encoding")
    next_line = 1
    with opener(path, "rb") as fh:
        while True:
            lines = fh.readlines(batch_bytes)
            if not lines:
                break
            if next_line == 1 and lines[0].startswith(codecs.BOM_UTF8):
                lines[0] = lines[0][len(codecs.BOM_UTF8):]
            codec = "utf-8" if encoding == "utf-8-sig" else encoding
            n = len(lines)
            yield pa.table({
                "_row_number": pa.array(range(next_line, next_line + n), pa.int64()),
                "line": pa.array([ln.decode(codec, errors="replace").rstrip("\r\n") for ln in lines], pa.string()),
            })
            next_line += n


# --- DuckDB's parallel readers (the fast path for UTF-8 CSV and JSONL) -------------------------
# The Python readers above stay the reference: a file the fast path cannot read exactly as they
# would (another encoding, rows wider than the header, quoted line breaks, mixed line endings, a
# control character) raises FastPathUnavailable and is read by them instead.

# what str.strip() strips, spelled out for DuckDB's trim() so both paths trim alike
PY_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# the reader settings that make DuckDB fail rather than guess: strict, no auto-detection
# max_line_size sets the read buffer (by default 16 such lines): 1 GiB made it
# allocate a whole 1 GB file at once and fall back to Python under the memory cap. A longer line
# fails here and the Python reader, which has no line limit, takes the file.
_STRICT = "auto_detect=false, strict_mode=true, max_line_size=8388608, buffer_size=33554432"
MAX_BLANK_RECORDS = 1000  # beyond this many blank records in a CSV, number the records with a sort


class FastPathUnavailable(Exception):
    """The file needs the Python reader (reason in the message)."""


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_cell(expr: str) -> str:
    """A cell as the Python readers keep it: stripped of whitespace, blank as NULL. trim() with a
    character list is ~10x slower than the test of the first and last character, so it runs only
    on the few cells that start or end with whitespace."""
    ws = _sql_text(PY_WHITESPACE)
    return (f"nullif(CASE WHEN contains({ws}, left({expr}, 1)) OR contains({ws}, right({expr}, 1)) "
            f"THEN trim({expr}, {ws}) ELSE {expr} END, '')")


def sniff_encoding(path: Path, display: str, what: str = "encoding") -> str:
    """The encoding of a (optionally gzipped) text export from its first MiB; unreadable is a ContractError."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        sample = fh.read(1 << 20)
    try:
        return detect_encoding(sample)
    except ValueError as exc:
        raise ContractError(display, "unreadable", f"{what}: {exc}") from exc


def utf8_or_unavailable(path: Path, display: str) -> None:
    encoding = sniff_encoding(path, display)
    if encoding not in ("utf-8", "utf-8-sig"):
        raise FastPathUnavailable(f"{encoding} text")


def jsonl_lines_sql(path: Path, display: str) -> str:
    """The file's lines with their line numbers (1-based, blank lines counted, a BOM dropped), read
    by DuckDB's parallel CSV reader as one text column. WITH ORDINALITY numbers the lines in file
    order even on a parallel scan (checked against a line counter in tests/test_fast_readers.py)."""
    utf8_or_unavailable(path, display)
    return (f"(SELECT ordinality AS _row_number, line FROM read_csv({_sql_text(str(path))}, "
            f"columns={{'line': 'VARCHAR'}}, header=false, delim=chr(1), quote='', escape='', {_STRICT}) "
            f"WITH ORDINALITY)")


def _csv_head(path: Path, rows: int) -> list[list[str | None]]:
    """The first records of a UTF-8 CSV as the Python reader sees them (stripped, blank as None)."""
    import csv
    import io

    with open(path, "rb") as fh:
        sample = fh.read(1 << 20)
    text = sample.decode("utf-8-sig", errors="ignore")
    out = []
    for rec in csv.reader(io.StringIO(text, newline="")):
        out.append([v.strip() or None for v in rec])
        if len(out) >= rows:
            break
    return out


def stage_csv_duckdb(con, path: Path, table: Table, display: str, stage: str) -> int:
    """Stage a UTF-8 CSV export through DuckDB's parallel reader, with what `read_tabular` gives:
    header found among the first rows (title rows skipped), canonical columns, record numbers
    counting non-blank records, `_extra` for unknown columns (personal data hashed), ambiguous or
    missing headers rejected. Raises FastPathUnavailable when only the Python reader can tell."""
    utf8_or_unavailable(path, display)
    head = _csv_head(path, HEADER_SCAN_ROWS)
    width = max((len(r) for r in head), default=0)
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in head], dtype=object)
    required = {c.name for c in table.required_columns} or {c.name for c in table.columns}
    hrow, hits = _find_header_row(grid, table) if len(grid) else (-1, 0)
    if hrow < 0 or hits < len(required):
        raise FastPathUnavailable("no complete header in the first rows")  # the Python reader names the problem
    headers = [v if v is not None else f"_unnamed_{j}" for j, v in enumerate(head[hrow])]
    headers += [f"_unnamed_{j}" for j in range(len(headers), width)]
    cols = {f"c{j}": "VARCHAR" for j in range(len(headers))}
    spec = ", ".join(f"'{k}': '{v}'" for k, v in cols.items())
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _csv_grid AS SELECT ordinality AS _ord, "
        + ", ".join(f"{sql_cell(k)} AS {k}" for k in cols)
        + f" FROM read_csv({_sql_text(str(path))}, columns={{{spec}}}, header=false, delim=',', quote='\"', "
          f"escape='\"', null_padding=true, {_STRICT}) WITH ORDINALITY")
    try:
        # the header's position in DuckDB's numbering (it skips empty lines): the first row equal to it
        match = " AND ".join(f"c{j} IS NOT DISTINCT FROM {_sql_text(v) if v is not None else 'NULL'}"
                             for j, v in enumerate(head[hrow] + [None] * (len(headers) - len(head[hrow]))))
        found = con.execute(f"SELECT min(_ord) FROM _csv_grid WHERE {match}").fetchone()[0]
        if found is None:
            raise FastPathUnavailable("header row not found by DuckDB")
        nonblank = " OR ".join(f"{k} IS NOT NULL" for k in cols)
        # records are numbered without the blank ones; DuckDB's ordinality already follows the file,
        # so the number is the ordinality minus the blank records before it (few; no sort of the file)
        blanks = [b for (b,) in con.execute(f"SELECT _ord FROM _csv_grid WHERE _ord > {found} AND NOT ({nonblank}) "
                                            f"ORDER BY 1 LIMIT {MAX_BLANK_RECORDS + 1}").fetchall()]
        if len(blanks) > MAX_BLANK_RECORDS:
            number = "row_number() OVER (ORDER BY _ord)"
        elif blanks:
            number = f"_ord - {found} - len(list_filter({blanks}, lambda b: b < _ord))"
        else:
            number = f"_ord - {found}"
        con.execute(f"CREATE OR REPLACE TEMP VIEW _csv_body AS SELECT {number} AS _row_number, "
                    f"* EXCLUDE (_ord) FROM _csv_grid WHERE _ord > {found} AND ({nonblank})")
        return _stage_csv_body(con, table, display, headers, stage)
    finally:
        con.execute("DROP VIEW IF EXISTS _csv_body")
        con.execute("DROP TABLE IF EXISTS _csv_grid")


def _stage_csv_body(con, table: Table, display: str, headers: list[str], stage: str) -> int:
    hmap = header_map(table)
    canonical: dict[str, int] = {}
    extras: dict[str, int] = {}
    for j, h in enumerate(headers):
        name = hmap.get(normalise_header(h))
        if name and name in canonical:
            first = headers[canonical[name]]
            differ = con.execute(f"SELECT count(*) FROM _csv_body WHERE c{j} IS DISTINCT FROM c{canonical[name]}").fetchone()[0]
            if differ:
                raise ContractError(display, "ambiguous_header",
                                    f"two columns map to {name} ({table.column(name).label_zh}): '{first}' "
                                    f"(column {canonical[name] + 1}) and '{h}' (column {j + 1}) hold different "
                                    f"values — rename or remove one in the export 表头重复")
        elif name:
            canonical[name] = j
        elif not h.startswith("_unnamed_") or con.execute(
                f"SELECT count(*) FROM _csv_body WHERE c{j} IS NOT NULL").fetchone()[0]:
            extras[h] = j
    missing = [c for c in table.required_columns if c.name not in canonical]
    if missing:
        cols = ", ".join(f"{c.name} ({c.header or c.name} / {c.label_zh})" for c in missing)
        raise ContractError(display, "missing_required_column", f"required column(s) missing: {cols}")
    values = ", ".join(f"b.c{canonical[c.name]}" if c.name in canonical else "NULL" for c in table.columns)
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    con.execute("CREATE OR REPLACE TEMP TABLE _csv_extra (_row_number BIGINT, _extra VARCHAR)")
    try:
        if extras:
            _extras(con, extras)
        con.execute(f"INSERT INTO {stage} (_row_number, {names}, _extra, _parse_error, _sheet, _cell_rules) "
                    f"SELECT b._row_number, {values}, e._extra, NULL, NULL, NULL FROM _csv_body b "
                    f"LEFT JOIN _csv_extra e USING (_row_number)")
    finally:
        con.execute("DROP TABLE IF EXISTS _csv_extra")
    return con.execute("SELECT count(*) FROM _csv_body").fetchone()[0]


def _extras(con, extras: dict[str, int]) -> None:
    """`_extra` exactly as the Python reader writes it (json.dumps of the non-blank unknown cells,
    each scrubbed by its header or content), computed in Python for the rows that have any."""
    cols = ", ".join(f"c{j}" for j in extras.values())
    any_value = " OR ".join(f"c{j} IS NOT NULL" for j in extras.values())
    rows = con.execute(f"SELECT _row_number, {cols} FROM _csv_body WHERE {any_value}").fetchall()
    names = list(extras)
    batch = pa.table({
        "_row_number": pa.array([r[0] for r in rows], pa.int64()),
        "_extra": pa.array([json.dumps({k: scrub_field(k, v) for k, v in zip(names, r[1:]) if v is not None},
                                       ensure_ascii=False) for r in rows], pa.string()),
    })
    con.register("_extra_batch", batch)
    try:
        con.execute("INSERT INTO _csv_extra SELECT _row_number, _extra FROM _extra_batch")
    finally:
        con.unregister("_extra_batch")
