"""The short report `wudu run` prints: what landed, what dbt built, and the top of the 五度 marts."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from transforms.settings import paths

# mart -> (evaluation, columns before the dimensions); the dimensions come from their one registry,
# the seed five_degree_dimensions (schema seeds), in its sort order
MARTS = {
    "fct_teacher_five_degree_term": ("teacher", "teacher_id, school_id, urban_rural, main_subject"),
    "fct_student_five_degree_term": ("student", "student_id, school_id, grade, urban_rural"),
}


def run_counts(results) -> dict[str, int]:
    built = checks_passed = checks_failed = 0
    for r in results:
        for ev in r.all_events:
            if ev.event_type_value == "ASSET_MATERIALIZATION":
                built += 1
            elif ev.event_type_value == "ASSET_CHECK_EVALUATION":
                if ev.event_specific_data.passed:
                    checks_passed += 1
                else:
                    checks_failed += 1
    return {"assets_materialized": built, "checks_passed": checks_passed, "checks_failed": checks_failed}


def _show(con, sql: str, params=None) -> str:
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        return con.execute(sql, params or []).df().to_string(index=False)


def print_summary(root: Path, results, first: str, last: str, elapsed: float) -> None:
    p = paths(root)
    status = "SUCCESS" if all(r.success for r in results) else "FAILED"
    print(f"\n== wudu run {first}..{last}: {status} in {elapsed:.1f}s ({len(results)} Dagster run(s): "
          f"{', '.join(r.run_id[:8] for r in results)}) ==")
    c = run_counts(results)
    print(f"asset partitions materialised: {c['assets_materialized']} · checks passed: {c['checks_passed']} · "
          f"checks failed: {c['checks_failed']} (dbt tests and GX suites; WARN-level failures do not stop a run)")
    if not p.published_db.exists():
        print(f"no published warehouse at {p.published_db}")
        return
    with duckdb.connect(str(p.published_db), read_only=True) as con:
        print("\nrows landed / quarantined per source:")
        print(_show(con,
                    "SELECT source, count(DISTINCT partition_day) AS days, count(*) AS files, sum(rows_read) AS rows_read, "
                    "sum(rows_loaded) AS rows_loaded, sum(rows_quarantined) AS rows_quarantined, "
                    "count(*) FILTER (WHERE status <> 'loaded') AS files_not_loaded FROM raw.file_manifest "
                    "WHERE partition_day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1", [first, last]))
        print("\nquarantined rows by rule:")
        print(_show(con, "SELECT source, table_name, rule, count(*) AS rows FROM raw.quarantine "
                         "WHERE partition_day BETWEEN ? AND ? GROUP BY ALL ORDER BY 1, 2, 3", [first, last]))
        rel = con.execute(
            "SELECT schema_name, count(*) FROM (SELECT schema_name FROM duckdb_tables() UNION ALL "
            "SELECT schema_name FROM duckdb_views() WHERE NOT internal) WHERE schema_name IN "
            "('staging', 'intermediate', 'marts', 'seeds') GROUP BY 1 ORDER BY 1").fetchall()
        print("\ndbt relations: " + ", ".join(f"{s}={n}" for s, n in rel))
        for mart, (evaluation, lead) in MARTS.items():
            exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
                                 [mart]).fetchone()[0]
            if not exists:
                print(f"\nmarts.{mart}: missing")
                continue
            dims = [d for (d,) in con.execute("SELECT dimension FROM seeds.five_degree_dimensions WHERE evaluation = ? "
                                              "ORDER BY sort_order", [evaluation]).fetchall()]
            cols = ", ".join([lead, *dims, "overall_score", "band"])
            n = con.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0]
            print(f"\nmarts.{mart} ({n} rows), top 5 by overall_score:")
            print(_show(con, f"SELECT {cols} FROM marts.{mart} ORDER BY overall_score DESC NULLS LAST, 1 LIMIT 5"))
    print(f"\nanalysts: duckdb -readonly {p.published_db}   ·   python: from wudu.analyst import query")
