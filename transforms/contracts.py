"""The source contracts (contracts.yaml) as typed objects."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

CONTRACTS_FILE = Path(__file__).with_name("contracts.yaml")

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}
META_COLUMNS = [
    ("_partition_day", "DATE"),
    ("_source_file", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_extra", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    label_zh: str = ""
    header: str | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    pii: str | None = None
    references: str | None = None
    json_path: str | None = None

    @property
    def stored_name(self) -> str:
        """Personal data is only ever stored hashed, under <name>_hash."""
        return f"{self.name}_hash" if self.pii else self.name

    @property
    def duckdb_type(self) -> str:
        return "VARCHAR" if self.pii else DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    label_zh: str
    files: tuple[str, ...]
    format: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    snapshot: bool = False
    day_column: str | None = None
    # (start, end) column pairs: an end before its start is a finding (rule end_before_start)
    order: tuple[tuple[str, str], ...] = ()
    # the share of a day's rows that may be quarantined before the table's GX suite turns red
    max_quarantine_share: float = 0.05
    # the volume check (a day under half the previous day's rows is suspicious) suits tables that
    # arrive every school day; `sporadic` tables (training events) legitimately have empty days
    sporadic: bool = False

    @property
    def raw_table(self) -> str:
        return f"raw.{self.source}__{self.name}"

    @property
    def qualified(self) -> str:
        return f"{self.source}.{self.name}"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def ddl(self) -> str:
        cols = [f'"{c.stored_name}" {c.duckdb_type}' for c in self.columns]
        cols += [f"{n} {t}" for n, t in META_COLUMNS]
        return f"CREATE TABLE IF NOT EXISTS {self.raw_table} ({', '.join(cols)})"


@dataclass(frozen=True)
class Source:
    name: str
    label_zh: str
    tables: dict[str, Table] = field(default_factory=dict)
    companions: tuple[str, ...] = ()  # files delivered alongside the tables that hold no table


def normalise_header(text: str) -> str:
    """Fold full-width characters, case and spaces so header aliases compare equal."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", text).lower()


@lru_cache(maxsize=1)
def load_contracts() -> dict[str, Source]:
    spec = yaml.safe_load(CONTRACTS_FILE.read_text(encoding="utf-8"))
    sources: dict[str, Source] = {}
    for sname, sdef in spec["sources"].items():
        tables = {}
        for tname, tdef in sdef["tables"].items():
            cols = tuple(
                Column(
                    name=c["name"],
                    type=c["type"],
                    label_zh=c.get("label_zh", ""),
                    header=c.get("header"),
                    aliases=tuple(c.get("aliases", ())),
                    required=bool(c.get("required", False)),
                    allowed=tuple(str(v) for v in c["allowed"]) if "allowed" in c else None,
                    min=c.get("min"),
                    max=c.get("max"),
                    pattern=c.get("pattern"),
                    pii=c.get("pii"),
                    references=c.get("references"),
                    json_path=c.get("json_path"),
                )
                for c in tdef["columns"]
            )
            tables[tname] = Table(
                source=sname,
                name=tname,
                label_zh=tdef.get("label_zh", ""),
                files=tuple(tdef["files"]),
                format=tdef["format"],
                key=tuple(tdef["key"]),
                columns=cols,
                snapshot=bool(tdef.get("snapshot", False)),
                day_column=tdef.get("day_column"),
                order=tuple(tuple(pair) for pair in tdef.get("order", ())),
                max_quarantine_share=float(tdef.get("max_quarantine_share", Table.max_quarantine_share)),
                sporadic=bool(tdef.get("sporadic", False)),
            )
        sources[sname] = Source(sname, sdef.get("label_zh", ""), tables, tuple(sdef.get("companions", ())))
    return sources


def all_tables() -> list[Table]:
    return [t for s in load_contracts().values() for t in s.tables.values()]


def header_map(table: Table) -> dict[str, str]:
    """normalised header text -> canonical column name."""
    out: dict[str, str] = {}
    for c in table.columns:
        for h in (c.name, c.header, *c.aliases):
            if h:
                out[normalise_header(h)] = c.name
    return out
