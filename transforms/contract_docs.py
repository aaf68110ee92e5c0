"""Render docs/sources.md, docs/validation.md and dbt's models/staging/_sources.yml from the
contracts (and dbt's five_degree dimension macros from their seed), so none of them can drift: tests/test_generated_files.py fails when a committed file
differs from what this renders. Run `python -m transforms.contract_docs` after changing
contracts.yaml or the rules."""
from __future__ import annotations

from pathlib import Path

import json

from transforms.contracts import META_COLUMNS, load_contracts
from transforms.rules import RULE_DOCS

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
DBT_SOURCES = REPO / "dbt_project" / "models" / "staging" / "_sources.yml"
DIMENSIONS_SEED = REPO / "dbt_project" / "seeds" / "five_degree_dimensions.csv"
DIMENSIONS_MACRO = REPO / "dbt_project" / "macros" / "five_degree_dimensions.sql"

META_DOCS = {
    "_partition_day": "landing day (Asia/Shanghai)",
    "_source_file": "file path relative to the landing root",
    "_row_number": "1-based record number in the file",
    "_extra": "JSON of unknown extra columns",
    "_loaded_at": "load time",
}
# The loader's bookkeeping tables (DDL in transforms/loader.py), exposed to dbt as source `ops`.
LOADER_TABLES = {
    "quarantine": ("Rows that failed a row-level rule (scope row: the record is held back) and optional values that "
                   "failed their format (scope field: the value was nulled, the record loaded); personal data masked.", {
        "source": "landing source (roster | platform | training)",
        "table_name": "contract table name",
        "partition_day": "landing day of the file",
        "source_file": "file path relative to the landing root",
        "row_number": "1-based record number in the file",
        "rule": "failed rule (docs/validation.md): required, type, allowed, range, pattern, check_digit, number_cell, "
                "end_before_start, in_partition_day, unknown_reference, duplicate_key",
        "column_name": "offending column",
        "offending_value": "offending value (masked when personal data)",
        "failed_rules": "all rules the row failed, comma-separated",
        "row_data": "the row as JSON, personal data masked",
        "quarantined_at": "time of quarantine",
        "scope": "row (record held back, counted by reconciliation) | field (one optional value nulled, record loaded)",
        "sheet": "workbook sheet the record came from (XLSX/XLS), else NULL",
    }),
    "file_manifest": ("One row per file found under landing/ and load attempt: rows read / loaded / quarantined and "
                      "status loaded | duplicate | rejected | not_recognised | companion.", {
        "source": "landing source",
        "partition_day": "landing day",
        "table_name": "contract table name",
        "path": "file path relative to the landing root",
        "sha256": "content hash of the file",
        "bytes": "file size",
        "rows_read": "records read",
        "rows_loaded": "records written to the raw table",
        "rows_quarantined": "records written to raw.quarantine",
        "status": "loaded | duplicate | rejected | not_recognised | companion",
        "error": "why a file was rejected or not recognised, and the fix",
        "loaded_at": "load time",
    }),
}


def _rules_of(c, table) -> list[str]:
    out = []
    if c.required:
        out.append("required")
    if c.allowed is not None:
        out.append("allowed: " + " / ".join(c.allowed))
    if c.min is not None or c.max is not None:
        out.append(f"range {c.min if c.min is not None else '…'}–{c.max if c.max is not None else '…'}")
    if c.pattern:
        out.append(f"pattern `{c.pattern}`")
    if c.pii == "id_card":
        out.append("check_digit (GB 11643)")
    out += [f"end_before_start (not before `{s}`)" for s, e in table.order if e == c.name]
    if table.day_column == c.name:
        out.append("on the partition day")
    if c.references:
        out.append(f"exists in {c.references}")
    if c.pii:
        out.append(f"personal data ({c.pii}): stored only as `{c.stored_name}`")
    return out


def render_sources() -> str:
    lines = [
        "# Source contracts 数据源约定",
        "",
        "Generated from `transforms/contracts.yaml` by `python -m transforms.contract_docs` — edit the YAML, not this file.",
        "Landing layout: `$WUDU_DATA_DIR/landing/<source>/<YYYY-MM-DD>/<files>`. Headers are matched after folding",
        "full-width characters, case and spaces; the first rows of a sheet may be a title or blank (the header row is",
        "found by its column names). Unknown columns are kept as JSON in `_extra`. CSV encodings: UTF-8, UTF-8 with BOM,",
        "GB18030/GBK — detected from the bytes. A missing required column rejects the file (contract check, ERROR).",
        "",
    ]
    for source in load_contracts().values():
        lines += [f"## {source.name} — {source.label_zh}", ""]
        for t in source.tables.values():
            lines += [
                f"### {source.name}.{t.name} — {t.label_zh}",
                "",
                f"- files: {', '.join(f'`{f}`' for f in t.files)} · format: {t.format}"
                + (" · full snapshot per day" if t.snapshot else " · events of the day"),
                f"- natural key (unique per day): {', '.join(t.key)} · raw table: `{t.raw_table}`",
                "",
                "| column | header in file | aliases | type | required | rules | 中文 |",
                "|---|---|---|---|---|---|---|",
            ]
            for c in t.columns:
                header = c.json_path or c.header or c.name
                lines.append(
                    f"| `{c.name}` | `{header}` | {', '.join(c.aliases) or ''} | {c.type} | "
                    f"{'yes' if c.required else 'no'} | {'; '.join(_rules_of(c, t))} | {c.label_zh} |")
            lines.append("")
    return "\n".join(lines) + "\n"


def render_validation() -> str:
    lines = [
        "# Validation rules 校验规则",
        "",
        "Generated by `python -m transforms.contract_docs` from `transforms/rules.py` and the contracts.",
        "",
        "## Severity",
        "",
        "| check (per source, per partition) | severity | effect |",
        "|---|---|---|",
        "| `contract` — every file readable, required columns present, (roster) every file delivered | ERROR, blocking | dbt and publishing are skipped for the run's partition; other partitions are unaffected |",
        "| `reconciliation` — rows read = rows loaded + rows quarantined, per file, counted back from the warehouse | ERROR, blocking | as above |",
        "| `<table>_suite` — the table's Great Expectations suite over the day's typed rows; red when one rule, or the quarantine in all, takes more than the table's `max_quarantine_share` (contract, default 5%) | WARN | the run goes on; failing rows are already in `raw.quarantine` |",
        "",
        "The suite runs as SQL on DuckDB over the whole day (GX's SQL datasource on the loader's connection). "
        "GX has no regex for DuckDB, so a `pattern` expectation runs on GX's pandas datasource over a frame of "
        "just its column (Python `re.search`, as pandas' `str.contains`), shown as a second validation "
        "`<suite>.pattern` in the Data Docs; personal columns' patterns are SQL rules only, never in GX. "
        "`WUDU_GX_ENGINE=pandas` runs the whole suite on pandas frames instead (docs/decisions.md).",
        "",
        "## Row rules (each failing row goes to `raw.quarantine` with file, row number, rule, column and value)",
        "",
        "| rule | catches | how to fix |",
        "|---|---|---|",
    ]
    lines += [f"| `{r}` | {what} | {fix} |" for r, (what, fix) in RULE_DOCS.items()]
    from transforms.errors import FILE_RULES  # noqa: PLC0415 (kept local: one import line shared with other work)
    from transforms.rules import FIELD_RULES  # noqa: PLC0415
    lines += ["", "Format rules (" + ", ".join(f"`{r}`" for r in FIELD_RULES) + ") on an optional column are "
              "field-level findings: the value is nulled, the row loaded, and the finding kept in `raw.quarantine` "
              "with `scope = 'field'` (not counted as a quarantined row). On a required column they quarantine the row.",
              "", "## File rules 文件规则", "",
              "A file that breaks one of these is not loaded; its source's downstream models are held back for the "
              "run (the other sources are modelled and published) and `wudu run` exits 1 naming the file, rule and fix.",
              "", "| rule | catches | how to fix |", "|---|---|---|"]
    lines += [f"| `{r}` | {what} | {fix} |" for r, (what, fix) in FILE_RULES.items()]
    lines += ["", "## Rules per table", ""]
    for source in load_contracts().values():
        for t in source.tables.values():
            lines.append(f"- **{source.name}.{t.name}** ({t.label_zh}): key {'+'.join(t.key)} unique → `duplicate_key`; "
                         + "; ".join(f"`{c.name}`: {', '.join(_rules_of(c, t))}" for c in t.columns if _rules_of(c, t)))
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _source_table(source: str, name: str, identifier: str, description: str, columns: list[tuple[str, str]]) -> list[str]:
    lines = [
        f"      - name: {name}",
        f"        identifier: {identifier}",
        f"        description: {_q(description)}",
        "        config:",
        f"          meta: {{dagster: {{asset_key: [\"raw\", \"{source}\", \"{name}\"]}}}}",
        "        columns:",
    ]
    for col, desc in columns:
        lines += [f"          - name: {col}", f"            description: {_q(desc)}"]
    return lines


def render_dbt_sources() -> str:
    lines = [
        f"# GENERATED by `python -m transforms.contract_docs` from transforms/contracts.yaml — edit that, not this file.",
        "# Raw tables written by the Python loader (transforms/). One dbt source per landing source.",
        "# meta.dagster.asset_key of every table is the raw asset that writes it, raw/<source>/<table>",
        "# (orchestration/assets/raw.py: one multi-asset per source, a key per table), so Dagster wires",
        "# lineage loader -> dbt. Personal data exists only as <name>_hash.",
        "version: 2",
        "",
        "sources:",
    ]
    for source in load_contracts().values():
        lines += [
            f"  - name: {source.name}",
            f"    description: {_q(f'{source.label_zh} — raw.{source.name}__<table>, written by the raw assets raw/{source.name}/<table>.')}",
            "    schema: raw",
            "    tables:",
        ]
        for t in source.tables.values():
            kind = "one full snapshot per _partition_day" if t.snapshot else "event rows; _partition_day = the landing day"
            desc = f"{t.label_zh} ({kind}); natural key {', '.join(t.key)} unique within a _partition_day."
            cols = [(c.stored_name, f"{c.label_zh} (HMAC-SHA256 of the personal value)" if c.pii else c.label_zh)
                    for c in t.columns]
            cols += [(name, META_DOCS[name]) for name, _ in META_COLUMNS]
            lines += _source_table(source.name, t.name, t.raw_table.split(".", 1)[1], desc, cols)
    lines += [
        "  - name: ops",
        f"    description: {_q('Loader bookkeeping written by transforms/ next to the raw tables.')}",
        "    schema: raw",
        "    tables:",
    ]
    for name, (desc, cols) in LOADER_TABLES.items():
        lines += _source_table("ops", name, name, desc, list(cols.items()))
    return "\n".join(lines) + "\n"


def render_dimension_macros() -> str:
    """teacher_dims() / student_dims() for the dbt models, from the one dimension registry (the seed):
    Jinja cannot read a CSV at parse time, so the list is rendered here and checked for drift."""
    import csv
    with DIMENSIONS_SEED.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["evaluation"], int(r["sort_order"])))
    lines = [f"{{#- GENERATED by `python -m transforms.contract_docs` from seeds/five_degree_dimensions.csv — "
             "edit the seed, not this file. -#}"]
    for evaluation in ("teacher", "student"):
        dims = ", ".join(f"'{r['dimension']}'" for r in rows if r["evaluation"] == evaluation)
        lines += ["", f"{{% macro {evaluation}_dims() -%}}", f"    {{{{ return([{dims}]) }}}}", "{%- endmacro %}"]
    return "\n".join(lines) + "\n"


def generated_files() -> dict[Path, str]:
    """Every file this module owns -> its rendered text."""
    return {
        DOCS / "sources.md": render_sources(),
        DOCS / "validation.md": render_validation(),
        DBT_SOURCES: render_dbt_sources(),
        DIMENSIONS_MACRO: render_dimension_macros(),
    }


def main() -> None:
    for path, text in generated_files().items():
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
