"""Row-level rules, generated as DuckDB SQL from the contract.

One SELECT over the staged text of a file yields, per row, the typed values and the list of rules
it fails. Rows with no failure go to the raw table, the others to raw.quarantine — so the rules
live in one place and the same list drives quarantine, docs/validation.md and the GX suites."""
from __future__ import annotations

from transforms.contracts import Column, Table
from transforms.pii import SQL_PREFILTER, id_card_check_sql

# Order matters only for which rule a quarantined row is filed under first.
RULES = ("required", "type", "number_cell", "allowed", "range", "pattern", "check_digit", "end_before_start",
         "in_partition_day", "unknown_reference", "duplicate_key")
# Format rules on an *optional* column are field-level findings: the value is nulled and the
# finding kept in raw.quarantine with scope 'field', the record itself is loaded (one bad phone
# number must not drop a teacher from the roster). On a required column they quarantine the row.
FIELD_RULES = ("type", "number_cell", "allowed", "range", "pattern", "check_digit", "end_before_start")
# Identifiers whose written form does not change whose they are (spaces, hyphens, +86 go).
CODE_KINDS = ("id_card", "student_no", "phone")

# rule -> (what it catches, how to fix it); docs/validation.md is generated from this table.
RULE_DOCS = {
    "required": ("a required value is blank", "fill the value in the source system and re-deliver the file"),
    "type": ("the text cannot be read as the column's type (number, date, timestamp, boolean, JSON)",
             "fix the cell's format (dates as YYYY-MM-DD, numbers without units, valid JSON per line)"),
    "allowed": ("a code outside the contract's allowed set",
                "map the code in the source system, or add it to the contract if it is legitimately new"),
    "range": ("a number outside the contract's min/max", "correct the value; if the range itself changed, update the contract"),
    "number_cell": ("an ID, 学籍号 or phone number stored as a number cell (Excel keeps 15 digits, so digits were lost)",
                    "format the column as text (文本) in Excel before typing or pasting the IDs, then re-export"),
    "pattern": ("text not in the required format (ID-card, phone, time of day)", "correct the value in the source system"),
    "check_digit": ("a 身份证号 whose check character does not match (GB 11643 MOD 11-2): mistyped or rounded",
                    "correct the ID-card number in the source system"),
    "end_before_start": ("an end (time, date) before its start: an impossible interval",
                         "correct the start or end in the source system"),
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


def text_expr(col: Column, src: str) -> str:
    """The column's text as checked and hashed: trimmed; IDs and phones without the spaces,
    hyphens and +86 prefix people type (transforms.pii.normalise_code does the same in Python)."""
    x = f"nullif(trim({src}), '')"
    if col.pii in CODE_KINDS:
        x = f"nullif(upper(regexp_replace({x}, '[[:space:]\\-\u3000]', '', 'g')), '')"
        if col.pii == "phone":
            x = f"regexp_replace({x}, '^(\\+86|0086)(1[0-9]{{10}})$', '\\2')"
    return x


def typed_expr(col: Column, src: str) -> str:
    x = text_expr(col, src)
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


def findings(table: Table, day: str, ref_tables: dict[str, str]) -> list[tuple[str, str, str]]:
    """(condition SQL over stage `s`, 'rule:column' tag, scope 'row' | 'field') for every check."""
    out = []
    for c in table.columns:
        raw = f"s.{q(c.name)}"
        x = text_expr(c, raw)
        blank = f"{x} IS NULL"
        typed = typed_expr(c, raw)
        scope = "row" if c.required else "field"

        def add(rule, cond, sc=None, col=c.name):
            out.append((cond, f"{rule}:{col}", sc or (scope if rule in FIELD_RULES else "row")))

        if c.required:
            add("required", blank)
        if c.type != "string":
            add("type", f"NOT {blank} AND {typed} IS NULL")
        if table.format != "jsonl" and c.type == "string":
            add("number_cell", f"list_contains(string_split(coalesce(s._cell_rules, ''), ','), {lit('number_cell:' + c.name)})")
        if c.allowed is not None:
            vals = ", ".join(lit(v) for v in c.allowed)
            add("allowed", f"NOT {blank} AND trim({raw}) NOT IN ({vals})")
        if c.min is not None or c.max is not None:
            conds = []
            if c.min is not None:
                conds.append(f"{typed} < {c.min}")
            if c.max is not None:
                conds.append(f"{typed} > {c.max}")
            add("range", " OR ".join(conds))
        if c.pattern:
            add("pattern", f"NOT {blank} AND NOT regexp_full_match(upper({x}), {lit(c.pattern)})")
        if c.pii == "id_card":
            add("check_digit", f"NOT {blank} AND regexp_full_match({x}, '[0-9]{{17}}[0-9X]') AND NOT {id_card_check_sql(x)}")
        if table.day_column == c.name:
            add("in_partition_day", f"{typed} IS NOT NULL AND CAST({typed} AS DATE) <> DATE {lit(day)}")
        if c.references and c.references in ref_tables:
            add("unknown_reference", f"NOT {blank} AND trim({raw}) NOT IN (SELECT id FROM {ref_tables[c.references]})")
    for start, end in table.order:
        s_col, e_col = table.column(start), table.column(end)
        def as_order(col):  # times of day arrive as text: compare them as times
            e = typed_expr(col, "s." + q(col.name))
            return f"TRY_CAST({e} AS TIME)" if col.type == "string" else e
        cond = f"{as_order(e_col)} < {as_order(s_col)}"
        out.append((cond, f"end_before_start:{end}", "row" if e_col.required else "field"))
    key_cols = ", ".join(f"trim(s.{q(k)})" for k in table.key)
    key_present = " AND ".join(f"nullif(trim(s.{q(k)}), '') IS NOT NULL" for k in table.key)
    out.append((f"{key_present} AND row_number() OVER (PARTITION BY {key_cols} ORDER BY s._row_number) > 1",
                "duplicate_key:" + ",".join(table.key), "row"))
    return out


def failure_exprs(table: Table, day: str, ref_tables: dict[str, str], scope: str = "row") -> list[str]:
    """SQL expressions each yielding 'rule:column' or NULL, evaluated over stage `s`."""
    return [f"CASE WHEN {cond} THEN {lit(tag)} END" for cond, tag, sc in findings(table, day, ref_tables) if sc == scope]


def checked_select(table: Table, stage: str, day: str, ref_tables: dict[str, str]) -> str:
    """SELECT over the stage: typed columns (PII hashed; other text scrubbed of IDs and phone
    numbers found in it), `_failures` (row-level: the row is quarantined) and `_field_findings`
    (field-level: the value is nulled when the row is committed)."""
    fails = ",\n    ".join(["CASE WHEN s._parse_error IS NOT NULL THEN 'type:_record' END",
                              *failure_exprs(table, day, ref_tables)])
    fields = ",\n    ".join(failure_exprs(table, day, ref_tables, "field")) or "NULL"
    cols = []
    for c in table.columns:
        typed = typed_expr(c, f"s.{q(c.name)}")
        if c.pii:
            cols.append(f"wudu_pii({typed}) AS {q(c.stored_name)}")
        elif c.type == "string":
            cols.append(f"{scrub_sql(typed)} AS {q(c.stored_name)}")
        else:
            cols.append(f"{typed} AS {q(c.stored_name)}")
    return (
        f"SELECT {', '.join(cols)}, s._row_number, {scrub_sql('s._extra')} AS _extra, s._sheet,\n"
        f"  list_filter([\n    {fails}\n  ], lambda f: f IS NOT NULL) AS _failures,\n"
        f"  list_filter([\n    {fields}\n  ]::VARCHAR[], lambda f: f IS NOT NULL) AS _field_findings\n"
        f"FROM {stage} s"
    )


def scrub_sql(expr: str) -> str:
    """Text with any ID-card number, 学籍号 or mobile number replaced by a token; only rows the
    cheap RE2 pre-filter matches go through the Python scrubber (transforms.pii.scrub_text)."""
    return f"(CASE WHEN regexp_matches({expr}, {lit(SQL_PREFILTER)}) THEN wudu_scrub({expr}) ELSE {expr} END)"
