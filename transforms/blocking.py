"""Which sources a landing problem blocks, and what the engineer is told.

Granularity is the source (docs/decisions.md): a file of a source that is rejected or not
recognised — or a roster snapshot missing a table — blocks that source's downstream dbt models
for the run (`dbt build --exclude source:<source>+`); the other sources are modelled and
published as usual. A file-level problem is an expected data problem: it is reported as one
paragraph naming the file, the rule and the fix, never as a stack trace."""
from __future__ import annotations

from transforms.contracts import load_contracts
from transforms.errors import FILE_RULES

MISSING_IS_ERROR = {"roster"}  # a roster snapshot must be complete; event sources may have quiet days


def blocking_problems(con, first: str, last: str) -> list[dict]:
    """Every file-level problem in the days, from raw.file_manifest: source, day, path, rule,
    detail, fix. Missing roster tables are problems too."""
    has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = 'file_manifest'"
                      ).fetchone()[0]
    if not has:
        return []
    out = []
    for source, day, path, status, error in con.execute(
            "SELECT source, partition_day::VARCHAR, path, status, error FROM raw.file_manifest "
            "WHERE partition_day BETWEEN ? AND ? AND status IN ('rejected', 'not_recognised') ORDER BY 1, 2, 3",
            [first, last]).fetchall():
        rule = "not_recognised" if status == "not_recognised" else _rule_of(error)
        out.append({"source": source, "day": day, "path": path, "rule": rule, "detail": error or "",
                    "fix": FILE_RULES.get(rule, ("", "correct the file and re-run the day"))[1]})
    for source in MISSING_IS_ERROR:
        tables = set(load_contracts()[source].tables)
        for day, present in con.execute(
                "SELECT partition_day::VARCHAR, list(DISTINCT table_name) FROM raw.file_manifest WHERE source = ? "
                "AND partition_day BETWEEN ? AND ? AND table_name IS NOT NULL GROUP BY 1", [source, first, last]).fetchall():
            for t in sorted(tables - set(present)):
                out.append({"source": source, "day": day, "path": f"{source}/{day}/", "rule": "missing_file",
                            "detail": f"the {source} snapshot has no {t} file", "fix": FILE_RULES["missing_file"][1]})
    return out


def blocked_sources(con, first: str, last: str) -> list[str]:
    return sorted({p["source"] for p in blocking_problems(con, first, last)})


def _rule_of(error: str | None) -> str:
    # ContractError messages read "<path>: [<rule>] <detail>"
    if error and "[" in error and "]" in error:
        return error.split("[", 1)[1].split("]", 1)[0]
    return "unreadable"


def paragraph(problems: list[dict]) -> str:
    """One paragraph for the CLI: each file, its rule and its fix, and what was held back."""
    if not problems:
        return ""
    items = "; ".join(f"{p['path']} — [{p['rule']}] {p['detail'].split('] ', 1)[-1]} — fix 修复: {p['fix']}"
                      for p in problems)
    blocked = sorted({p["source"] for p in problems})
    others = sorted(set(load_contracts()) - set(blocked))
    return (f"文件问题 File problems ({len(problems)}): {items}. "
            f"Held back 已暂停: the downstream models of {', '.join(blocked)} were not rebuilt this run"
            + (f"; {', '.join(others)} were modelled and published as usual" if others else "")
            + ". Fix the file(s) and re-run the day(s).")
