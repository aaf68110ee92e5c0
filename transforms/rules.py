"""Row-level rules, generated as DuckDB SQL from the contract.

One SELECT over the staged text of a file yields, per row, the typed values and the list of rules
it fails. Rows with no failure go to the raw table, the others to raw.quarantine — so the rules
live in one place and the same list drives quarantine, docs/validation.md and the GX suites."""
from __future__ import annotations

from transforms.contracts import Column, Table

# Order matters only for which rule a quarantined row is filed under first.
RULES = ("required", "type", "allowed", "range", "pattern", "in_partition_day",
         "unknown_reference", "duplicate_key")

# rule -> (what it catches, how to fix it); docs/validation.md is generated from this table.
RULE_DOCS = {
    "required": ("a required value is blank", "fill the value in the source system and re-deliver the file"),
    "type": ("the text cannot be read as the column's type (number, date, timestamp, boolean, JSON)",
             "fix the cell's format (dates as YYYY-MM-DD, numbers without units, valid JSON per line)"),
    "allowed": ("a code outside the contract's allowed set",
                "map the code in the source system, or add it to the contract if it is legitimately new"),
    "range": ("a number outside the contract's min/max", "correct the value; if the range itself changed, update the contract"),
    "pattern": ("text not in the required format (ID-card, phone, time of day)", "correct the value in the source system"),
    "in_partition_day": ("an event dated on another day than the export day it arrived in",
                         "re-export the event in its own day's file, or check the exporting system's clock/timezone"),
    "unknown_reference": ("a teacher/class/school id missing from the latest roster snapshot",
                          "make sure that day's roster export contains the person/class, then re-run the partition"),
    "duplicate_key": ("a second record with the same natural key within the day (the first is kept)",
                      "remove the duplicate in the export; if both are genuine, the key in the contract is wrong"),
}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def typed_expr(col: Column, src: str) -> str:
    x = f"nullif(trim({src}), '')"
    t = col.type
    if t == "string":
        return x
    if t == "integer":
        d = f"TRY_CAST({x} AS DOUBLE)"
        return f"(CASE WHEN {d} = round({d}) THEN {d}::BIGINT END)"
    if t == "number":
        return f"TRY_CAST({x} AS DOUBLE)"
    if t == "boolean":
        return (f"(CASE WHEN lower({x}) IN ('true','1','是','y','yes','t','1.0') THEN true "
                f"WHEN lower({x}) IN ('false','0','否','n','no','f','0.0') THEN false END)")
    if t == "date":
        return (f"coalesce(TRY_CAST({x} AS DATE), TRY_CAST(TRY_CAST({x} AS TIMESTAMP) AS DATE), "
                f"TRY_STRPTIME({x}, '%Y/%m/%d')::DATE, TRY_STRPTIME({x}, '%Y年%m月%d日')::DATE)")
    if t == "timestamp":
        # offsets are honoured; naive text is China time; stored as naive Asia/Shanghai time
        return (f"coalesce(timezone('Asia/Shanghai', TRY_CAST({x} AS TIMESTAMPTZ)), "
                f"TRY_STRPTIME({x}, '%Y/%m/%d %H:%M:%S'), TRY_STRPTIME({x}, '%Y/%m/%d %H:%M'))")
    raise ValueError(f"unknown type {t}")


def failure_exprs(table: Table, day: str, ref_tables: dict[str, str]) -> list[str]:
    """SQL expressions each yielding 'rule:column' or NULL, evaluated over stage `s`."""
    out = []
    for c in table.columns:
        raw = f"s.{q(c.name)}"
        blank = f"nullif(trim({raw}), '') IS NULL"
        typed = typed_expr(c, raw)
        tag = lambda rule: lit(f"{rule}:{c.name}")  # noqa: E731
        if c.required:
            out.append(f"CASE WHEN {blank} THEN {tag('required')} END")
        if c.type != "string":
            out.append(f"CASE WHEN NOT {blank} AND {typed} IS NULL THEN {tag('type')} END")
        if c.allowed is not None:
            vals = ", ".join(lit(v) for v in c.allowed)
            out.append(f"CASE WHEN NOT {blank} AND trim({raw}) NOT IN ({vals}) THEN {tag('allowed')} END")
        if c.min is not None or c.max is not None:
            conds = []
            if c.min is not None:
                conds.append(f"{typed} < {c.min}")
            if c.max is not None:
                conds.append(f"{typed} > {c.max}")
            out.append(f"CASE WHEN {' OR '.join(conds)} THEN {tag('range')} END")
        if c.pattern:
            out.append(f"CASE WHEN NOT {blank} AND NOT regexp_full_match(upper(trim({raw})), {lit(c.pattern)}) "
                       f"THEN {tag('pattern')} END")
        if table.day_column == c.name:
            out.append(f"CASE WHEN {typed} IS NOT NULL AND CAST({typed} AS DATE) <> DATE {lit(day)} "
                       f"THEN {tag('in_partition_day')} END")
        if c.references and c.references in ref_tables:
            out.append(f"CASE WHEN NOT {blank} AND trim({raw}) NOT IN (SELECT id FROM {ref_tables[c.references]}) "
                       f"THEN {tag('unknown_reference')} END")
    key_cols = ", ".join(f"trim(s.{q(k)})" for k in table.key)
    key_present = " AND ".join(f"nullif(trim(s.{q(k)}), '') IS NOT NULL" for k in table.key)
    out.append(f"CASE WHEN {key_present} AND row_number() OVER (PARTITION BY {key_cols} ORDER BY s._row_number) > 1 "
               f"THEN {lit('duplicate_key:' + ','.join(table.key))} END")
    return out


def checked_select(table: Table, stage: str, day: str, ref_tables: dict[str, str]) -> str:
    """SELECT over the stage: typed columns (PII hashed), the raw text, and `_failures`."""
    fails = ",\n    ".join(failure_exprs(table, day, ref_tables))
    cols = []
    for c in table.columns:
        typed = typed_expr(c, f"s.{q(c.name)}")
        cols.append(f"wudu_pii({typed}) AS {q(c.stored_name)}" if c.pii else f"{typed} AS {q(c.stored_name)}")
    return (
        f"SELECT {', '.join(cols)}, s._row_number, s._extra,\n"
        f"  list_filter([\n    {fails}\n  ], lambda f: f IS NOT NULL) AS _failures\n"
        f"FROM {stage} s"
    )
