"""Readers for the exports a centre really receives: CSV in any of the usual Chinese encodings,
XLSX with title rows above the header, header aliases, zipped roster folders, huge JSONL streams.

Tabular readers return every value as text (None for blanks) so that typing and rule checks
happen in one place (transforms.rules) and a bad value is quarantined rather than crashing."""
from __future__ import annotations

import codecs
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from transforms.contracts import Table, header_map, normalise_header
from transforms.errors import ContractError

HEADER_SCAN_ROWS = 10


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK, Chinese Excel's default)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the sample's end is still UTF-8
        if exc.start >= len(sample) - 3:
            return "utf-8"
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise ValueError(f"neither UTF-8 nor GB18030 (byte {exc.start})") from exc


def _read_grid(path: Path, display: str) -> pd.DataFrame:
    """All cells as text, no header interpretation."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            grid = pd.read_excel(path, header=None, dtype=str, engine="openpyxl")
        else:
            with open(path, "rb") as fh:
                encoding = detect_encoding(fh.read(1 << 20))
            grid = pd.read_csv(
                path, header=None, dtype=str, encoding=encoding, keep_default_na=False,
                skip_blank_lines=False,
            )
    except ContractError:
        raise
    except Exception as exc:  # unreadable file: reject it, name it
        raise ContractError(display, "unreadable", f"{type(exc).__name__}: {exc}") from exc
    grid = grid.map(lambda v: None if v is None or (isinstance(v, float)) or str(v).strip() == "" else str(v).strip())
    return grid


def _find_header_row(grid: pd.DataFrame, table: Table) -> int:
    """The first row whose cells name at least half of the required columns (title rows and blank
    rows above the header are skipped)."""
    hmap = header_map(table)
    required = {c.name for c in table.required_columns} or {c.name for c in table.columns}
    best, best_hits = None, 0
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        names = {hmap.get(normalise_header(v)) for v in grid.iloc[i] if v is not None}
        hits = len(names & required)
        if hits > best_hits:
            best, best_hits = i, hits
        if hits == len(required):
            break
    if best is None or best_hits * 2 < len(required):
        # no plausible header: take the first non-blank row, so the error names what is missing
        return next((i for i in range(len(grid)) if grid.iloc[i].notna().any()), -1)
    return best


def read_tabular(path: Path, table: Table, display: str) -> pd.DataFrame:
    """Read a CSV/XLSX export into canonical columns (text), `_row_number` and `_extra` (JSON of
    unknown columns). Raises ContractError naming the file and column when the header is unusable."""
    grid = _read_grid(path, display)
    hrow = _find_header_row(grid, table)
    if hrow < 0:
        raise ContractError(display, "empty_file", f"no header row: the file has no non-blank row ({table.qualified})")
    hmap = header_map(table)
    headers = [v if v is not None else f"_unnamed_{j}" for j, v in enumerate(grid.iloc[hrow])]
    body = grid.iloc[hrow + 1:].reset_index(drop=True)
    body.columns = range(len(headers))
    # blank lines are not records; numbering counts records, as the demo's mutation log does
    body = body[body.notna().any(axis=1)].reset_index(drop=True)

    canonical: dict[str, int] = {}
    extras: dict[str, int] = {}
    for j, h in enumerate(headers):
        name = hmap.get(normalise_header(h))
        if name and name not in canonical:
            canonical[name] = j
        elif not h.startswith("_unnamed_") or body[j].notna().any():
            extras[h] = j
    missing = [c for c in table.required_columns if c.name not in canonical]
    if missing:
        cols = ", ".join(f"{c.name} ({c.header or c.name} / {c.label_zh})" for c in missing)
        raise ContractError(display, "missing_required_column", f"required column(s) missing: {cols}")

    out = pd.DataFrame({"_row_number": range(1, len(body) + 1)})
    for c in table.columns:
        out[c.name] = body[canonical[c.name]].to_numpy() if c.name in canonical else None
    if extras:
        ex = body[list(extras.values())]
        ex.columns = list(extras.keys())
        kept = [{k: v for k, v in rec.items() if isinstance(v, str)} for rec in ex.to_dict("records")]
        out["_extra"] = [json.dumps(k, ensure_ascii=False) if k else None for k in kept]
    else:
        out["_extra"] = None
    return out.astype(object).where(out.notna(), None)


def iter_jsonl_lines(path: Path, batch_bytes: int = 16 << 20) -> Iterator[pa.Table]:
    """Stream a (optionally gzipped) JSON Lines file as Arrow batches of raw lines with their line
    numbers, so memory stays bounded by the batch and every line keeps its number.
    (pyarrow's CSV reader was measured holding ~2x the file in RSS; plain buffered reads do not.)"""
    opener = gzip.open if path.suffix == ".gz" else open
    next_line = 1
    with opener(path, "rb") as fh:
        while True:
            lines = fh.readlines(batch_bytes)
            if not lines:
                break
            n = len(lines)
            yield pa.table({
                "_row_number": pa.array(range(next_line, next_line + n), pa.int64()),
                "line": pa.array([ln.decode("utf-8", errors="replace").rstrip("\r\n") for ln in lines], pa.string()),
            })
            next_line += n
