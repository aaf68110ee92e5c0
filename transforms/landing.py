"""File discovery in the landing zone — the one place that decides which file is which table.

Every file under `landing/<source>/` is accounted for: it is either recognised as a table's export
for a day, or listed as *not recognised* with the reason and the fix (nothing is skipped in silence).
Real systems name files loosely, so recognition is tolerant where it is safe:
- extensions in any case (`.XLSX`), legacy Excel `.xls`;
- a title around the table's name (`2026-09-07培训签到表.xlsx` is a sign-in sheet);
- day folders written `2026-09-07`, `2026-9-7`, `20260907`, `2026_09_07`, `2026.9.7` or `2026年9月7日`;
- zips in a day folder are unpacked (to a temp dir; landing files are never modified).
A name that fits two tables, a file outside a day folder or of an unknown kind is not recognised."""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from transforms.contracts import Table, load_contracts

# extensions a table's format accepts (lower-case, compared case-insensitively)
EXTENSIONS = {
    "csv": (".csv",),
    "xlsx_or_csv": (".xlsx", ".xlsm", ".xls", ".csv"),
    "jsonl": (".jsonl", ".jsonl.gz"),
}
_DAY_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})[_.](\d{1,2})[_.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


@dataclass
class LandingFile:
    path: Path            # the file to read (inside a temp dir when it came out of a zip)
    display: str          # its name relative to landing/, as the manifest and messages show it
    table: str | None     # None: not recognised (or a companion)
    reason: str | None = None  # why not recognised, and the fix
    companion: bool = False    # a known file that holds no table (OneRoster manifest.csv)


def folder_day(name: str) -> str | None:
    """The ISO day a day folder stands for, or None if the name is not a date."""
    for pat in _DAY_PATTERNS:
        m = pat.match(name.strip())
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                return None
    return None


def _extension(name: str, table: Table) -> str | None:
    low = name.lower()
    return next((e for e in sorted(EXTENSIONS[table.format], key=len, reverse=True) if low.endswith(e)), None)


def _stem_globs(table: Table) -> list[str]:
    """The contract's globs without their extension, lower-case (`签到*.xlsx` -> `签到*`)."""
    out = []
    for pat in table.files:
        low = pat.lower()
        ext = next((e for e in sorted((e for es in EXTENSIONS.values() for e in es), key=len, reverse=True)
                    if low.endswith(e)), "")
        out.append(low[: len(low) - len(ext)])
    return out


def match_tables(name: str, tables: dict[str, Table]) -> list[str]:
    """Tables whose file pattern the name fits: the contract's glob (any case, any accepted
    extension) first; failing that, the table's name anywhere in the file's title."""
    low = name.lower()
    exact, titled = [], []
    for t in tables.values():
        ext = _extension(name, t)
        if not ext:
            continue
        stem = low[: -len(ext)]
        globs = _stem_globs(t)
        if any(fnmatch.fnmatchcase(stem, g) for g in globs):
            exact.append(t.name)
        elif any(g.replace("*", "") and g.replace("*", "") in stem for g in globs):
            titled.append(t.name)
    return exact or titled


def _classify(f: Path, display: str, tables: dict[str, Table], companions: tuple[str, ...] = ()) -> LandingFile:
    if any(fnmatch.fnmatchcase(f.name.lower(), c.lower()) for c in companions):
        return LandingFile(f, display, None, "companion file of the delivery: recorded, holds no table", companion=True)
    hits = match_tables(f.name, tables)
    if len(hits) == 1:
        return LandingFile(f, display, hits[0])
    if hits:
        return LandingFile(f, display, None, f"name fits several tables ({', '.join(hits)}) 文件名对应多个表: "
                                             f"rename it to one table's file name")
    expected = "; ".join(f"{t.name}: {', '.join(t.files)}" for t in tables.values())
    return LandingFile(f, display, None, f"no table of this source has this file name or kind 无法识别的文件: "
                                         f"rename it as the contract expects ({expected})")


def day_folders(source_dir: Path, day: str) -> list[Path]:
    """Every folder of the source that stands for the day (`2026-09-07` and `2026-9-7` alike)."""
    if not source_dir.is_dir():
        return []
    return sorted(d for d in source_dir.iterdir() if d.is_dir() and folder_day(d.name) == day)


def discover(landing: Path, source: str, day: str, unpack_dir: Path) -> list[LandingFile]:
    """Every file for the source and day, recognised or not, plus the files of the source that
    belong to no day (straight in `landing/<source>/`, or in a folder that is not a date): those
    are listed with every day's load, so they cannot go unnoticed."""
    tables = load_contracts()[source].tables
    companions = load_contracts()[source].companions
    source_dir = landing / source
    out: list[LandingFile] = []
    for d in day_folders(source_dir, day):
        for f in sorted(p for p in d.rglob("*") if p.is_file()):
            display = str(f.relative_to(landing))
            if f.suffix.lower() == ".zip":
                target = unpack_dir / display.replace("/", "__")
                if not target.exists():
                    try:
                        with zipfile.ZipFile(f) as zf:
                            zf.extractall(target)
                    except zipfile.BadZipFile as exc:
                        out.append(LandingFile(f, display, None, f"unreadable zip 压缩包无法解压: {exc}; re-export it"))
                        continue
                for g in sorted(p for p in target.rglob("*") if p.is_file()):
                    out.append(_classify(g, f"{display}!{g.relative_to(target)}", tables, companions))
            else:
                out.append(_classify(f, display, tables, companions))
    out += outside_day_folders(landing, source)
    return out


def outside_day_folders(landing: Path, source: str) -> list[LandingFile]:
    source_dir = landing / source
    if not source_dir.is_dir():
        return []
    out = []
    for f in sorted(p for p in source_dir.rglob("*") if p.is_file()):
        top = f.relative_to(source_dir).parts
        if len(top) > 1 and folder_day(top[0]):
            continue
        out.append(LandingFile(f, str(f.relative_to(landing)), None,
                               f"not in a day folder 不在日期文件夹中: move it to landing/{source}/<YYYY-MM-DD>/"))
    return out


def unknown_sources(landing: Path) -> list[Path]:
    """Files under landing/ outside every source's folder (the summary lists them)."""
    if not landing.is_dir():
        return []
    known = set(load_contracts())
    return sorted(p for p in landing.rglob("*") if p.is_file() and p.relative_to(landing).parts[0] not in known)
