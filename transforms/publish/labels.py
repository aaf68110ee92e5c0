"""What analysts see and what it means: the published schemas and every table's and column's label,
read from the dbt YAML descriptions (through dbt's manifest) — the one home of the labels.

A description starts with its Chinese name, then ` · ` and the meaning and unit
(`分层作业占比 · share of homework assigned in layers, 0–100`); the Chinese name also names the
column in the Chinese views (schema `marts_zh`) that BI tools show.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# Analyst-facing only: the marts (incl. the data-quality marts) and the reference data needed to read
# them. raw / staging / intermediate stay in the build file.
PUBLISHED_SCHEMAS = ("marts", "seeds")
ZH_SCHEMA = "marts_zh"  # Chinese-named views of the marts, for BI tools that show column names
MANIFEST = Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "manifest.json"

_CJK = re.compile(r"[\u3400-\u9fff]")


def has_chinese(text: str | None) -> bool:
    return bool(text and _CJK.search(text))


def chinese_name(description: str | None, separators: str = r" · ") -> str | None:
    """The Chinese name a description starts with (the part before ` · `), if it has one."""
    if not description or not re.search(separators, description):
        return None
    head = re.split(separators, description.strip(), maxsplit=1)[0].strip().rstrip("。.")
    # a name, not a sentence: Chinese, short, no English words
    return head if has_chinese(head) and len(head) <= 40 and not re.search(r"[A-Za-z]", head) else None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class TableLabel:
    schema: str
    name: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def zh_name(self) -> str | None:
        return chinese_name(self.description)


def load_labels(manifest: Path | None = None) -> dict[tuple[str, str], TableLabel]:
    """(schema, table) -> its label and column labels, for every published dbt model and seed."""
    path = Path(manifest or MANIFEST)
    if not path.exists():
        raise FileNotFoundError(f"dbt manifest not found at {path}: run `make setup` (dbt parse) first")
    nodes = json.loads(path.read_text(encoding="utf-8"))["nodes"]
    out = {}
    for node in nodes.values():
        if node.get("resource_type") not in ("model", "seed") or node.get("schema") not in PUBLISHED_SCHEMAS:
            continue
        name = node.get("alias") or node["name"]
        out[(node["schema"], name)] = TableLabel(
            node["schema"], name, _clean(node.get("description")),
            {c: _clean(v.get("description")) for c, v in node.get("columns", {}).items()})
    return out


def zh_view_columns(label: TableLabel | None, columns: list[str]) -> list[tuple[str, str]]:
    """(column, Chinese alias) for a Chinese view; a column without a Chinese name keeps its own,
    and a Chinese name used twice in one table gets the column name appended."""
    names = [(c, chinese_name(label.columns.get(c)) if label else None) for c in columns]
    counts: dict[str, int] = {}
    for _, zh in names:
        if zh:
            counts[zh] = counts.get(zh, 0) + 1
    return [(c, c if not zh else zh if counts[zh] == 1 else f"{zh}({c})") for c, zh in names]


def zh_view_name(label: TableLabel | None, table: str, taken: set[str] = frozenset()) -> str:
    """The Chinese view's name: the table's Chinese name (`教师五度评教学期得分`), else — or if two marts
    share it — with the table name appended."""
    zh = label.zh_name if label else None
    if not zh:
        return table
    return zh if zh not in taken else f"{zh}_{table}"
