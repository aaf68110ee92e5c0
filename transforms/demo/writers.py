"""Byte-deterministic writers for the exports: streamed CSV (UTF-8, UTF-8 with BOM, GB18030),
CSV inside a zip, JSON Lines, and XLSX (openpyxl with fixed document times and zip entry times),
plus the header variants real exports show (aliases, full-width characters, stray spaces)."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.writer.excel import ExcelWriter

from transforms.contracts import Table

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 1  # gzip and zip deflate level of `demo-data --compress` (city-scale volumes): speed over size


class CsvSink:
    """A CSV file written row chunk by row chunk; counts its data records."""

    def __init__(self, path: Path, header: list[str], encoding: str = "utf-8", zip_file: zipfile.ZipFile | None = None):
        self.records = 0
        if zip_file is not None:
            info = zipfile.ZipInfo(path.name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # a ZipInfo of our own (fixed time) does not take the archive's level; Python 3.11 names
            # the field _compresslevel (3.13 keeps that name as an alias of compress_level)
            info._compresslevel = zip_file.compresslevel
            self._raw = zip_file.open(info, "w")
            self._fh = io.TextIOWrapper(self._raw, encoding=encoding, newline="")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._raw = None
            self._fh = open(path, "w", encoding=encoding, newline="")
        self._w = csv.writer(self._fh, lineterminator="\n")
        self._w.writerow(header)

    def write(self, rows: list[list[str]]) -> None:
        self._w.writerows(rows)
        self.records += len(rows)

    def close(self) -> None:
        self._fh.close()
        if self._raw is not None:
            self._raw.close()


class JsonlSink:
    """JSON Lines, gzipped when the name ends in .gz (fixed header time: the same bytes every run)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = None
        if path.name.endswith(".gz"):
            self._file = open(path, "wb")  # gzip header without a file name and with time 0
            gz = gzip.GzipFile(filename="", mode="wb", compresslevel=COMPRESS_LEVEL, fileobj=self._file, mtime=0)
            self._fh = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        else:
            self._fh = open(path, "w", encoding="utf-8", newline="\n")
        self.records = 0

    def write(self, lines: list[str]) -> None:
        if lines:
            self._fh.write("\n".join(lines))
            self._fh.write("\n")
            self.records += len(lines)

    def close(self) -> None:
        self._fh.close()
        if self._file is not None:
            self._file.close()


def deterministic_zip(path: Path, level: int | None = None) -> zipfile.ZipFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    return zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level)


def write_xlsx(path: Path, header: list[str], rows: list[list], title: str | None = None,
               sheet: str = "Sheet1") -> None:
    """An .xlsx with an optional title row and blank row above the header; same bytes every run."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.properties.creator = "wudu demo"
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():  # re-stamp every entry with a fixed time
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


def xlsx_cells(table: Table, columns: list[str], rows: list[list[str]]) -> list[list]:
    """Numbers as numbers (as a spreadsheet export has them); everything else, and any value that
    does not parse, stays text."""
    numeric = [table.column(c).type in ("number", "integer") and not table.column(c).pii for c in columns]
    out = []
    for r in rows:
        cells = []
        for v, num in zip(r, numeric):
            if v == "":
                cells.append(None)
            elif num:
                try:
                    f = float(v)
                    cells.append(int(f) if f.is_integer() and "." not in v else f)
                except ValueError:
                    cells.append(v)
            else:
                cells.append(v)
        out.append(cells)
    return out


_FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "()0123456789"}


def header_variant(table: Table, columns: list[str], rng: np.random.Generator, p: float) -> list[str]:
    """The contract's headers; with probability p per file, some become an alias, full-width
    characters or gain stray spaces (all of which the readers fold back)."""
    headers = [table.column(c).header or c for c in columns]
    if rng.random() >= p:
        return headers
    out = []
    for c, h in zip(columns, headers):
        col = table.column(c)
        r = rng.random()
        zh_aliases = [a for a in col.aliases if not a.isascii()]
        if r < 0.35 and zh_aliases:
            h = zh_aliases[int(rng.integers(len(zh_aliases)))]
        elif r < 0.5 and any(ch in h for ch in "()"):
            h = h.translate(_FULLWIDTH)
        elif r < 0.6:
            h = f" {h} " if rng.random() < 0.5 else (h[:1] + " " + h[1:] if len(h) > 1 else h)
        out.append(h)
    return out
