"""The short report `wudu run` prints: what landed, what dbt built, and the top of the 五度 marts."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
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


@dataclass
class FailedCheck:
    asset: str
    check: str
    severity: str
    partition: str
    fix: str


def _meta_text(metadata: dict, key: str) -> str | None:
    """A metadata value by its machine name (keys may carry a Chinese label after it)."""
    for k, v in (metadata or {}).items():
        if k.split(" ")[0] == key:
            return str(getattr(v, "value", v))
    return None


@lru_cache(maxsize=1)
def _dbt_test_fixes() -> dict[str, str]:
    """dbt test name → the "Fix: …" sentence of its description (the project writes one per test)."""
    manifest = Path(__file__).resolve().parents[1] / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    out = {}
    for n in nodes.values():
        desc = n.get("description") or ""
        if n.get("resource_type") == "test" and "Fix:" in desc:
            out[n["name"]] = desc[desc.index("Fix:"):].strip()
    return out


def _fix_for(ev) -> str:
    fix = _meta_text(ev.metadata, "fix")
    if fix:
        return fix
    if ev.check_name in ("contract", "reconciliation"):
        return f"{ev.check_name}: open the check in the UI (rejected files / mismatches are listed); fix the export and re-run the day"
    if ev.check_name == "landing_freshness":
        return f"exports missing for {_meta_text(ev.metadata, 'missing_school_days')}: ask the source system to re-deliver"
    return _dbt_test_fixes().get(ev.check_name) or f"dbt build --select {ev.check_name} in dbt_project/ shows the failing rows"


def failed_checks(results) -> list[FailedCheck]:
    """Every failed check of the runs, with its partition (or the run's range) and a one-line fix."""
    out = []
    for r in results:
        tags = r.dagster_run.tags
        window = tags.get("dagster/partition") or "..".join(
            t for t in (tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")) if t)
        for ev in r.all_events:
            if ev.event_type_value != "ASSET_CHECK_EVALUATION" or ev.event_specific_data.passed:
                continue
            e = ev.event_specific_data
            out.append(FailedCheck(asset=e.asset_key.to_user_string(), check=e.check_name, severity=e.severity.value,
                                   partition=e.partition or window, fix=_fix_for(e)))
    return out


def failed_steps(results) -> list[tuple[str, str]]:
    """(step, why) for every step that failed for good: a Failure's description (the dbt step names
    its failed nodes there), else the first line of the error. A retried attempt is not listed."""
    out = []
    for r in results:
        for ev in r.all_events:
            if not ev.is_step_failure:
                continue
            data = ev.step_failure_data
            why = data.user_failure_data.description if data.user_failure_data else None
            if not why and data.error:
                why = next(iter(data.error.message.strip().splitlines()), "")
            out.append((ev.step_key, why or "(no description)"))
    return out


# what an engineer can do about a failure DuckDB raises on the machine, not on the data
RESOURCE_HINTS = {
    "Out of Memory Error": "DuckDB ran out of its memory cap (WUDU_DUCKDB_MEMORY_LIMIT): run the days in "
                           "shorter windows (WUDU_MAX_DAYS_PER_RUN, or --per-day); docs/operations.md",
    "No space left on device": "the disk filled (DuckDB spills beside the build file): free disk or run shorter "
                               "windows (WUDU_MAX_DAYS_PER_RUN, or --per-day); docs/operations.md",
}


def resource_hint(why: str) -> str | None:
    return next((hint for text, hint in RESOURCE_HINTS.items() if text in why), None)


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
    for step, why in failed_steps(results):
        first_paragraph = why.split("\n\n")[0]  # DuckDB appends generic tuning tips (SET threads …) after one
        print(f"  ✘ step {step} failed: {first_paragraph[:600]}")
        if hint := resource_hint(why):
            print(f"    → {hint}")
    for f in failed_checks(results):
        print(f"  ✘ {f.severity} {f.asset} · {f.check} [{f.partition}] — {f.fix}")
    if not p.published_db.exists():
        print(f"no published warehouse at {p.published_db}")
        return
    # landing counts and quarantine live in raw.*, which analysts' file does not carry: read the build file
    # (the run is over, nobody writes it now)
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        print("\nrows landed / quarantined per source:")
        print(_show(con,
                    "SELECT source, count(DISTINCT partition_day) AS days, count(*) AS files, sum(rows_read)::BIGINT AS rows_read, "
                    "sum(rows_loaded)::BIGINT AS rows_loaded, sum(rows_quarantined)::BIGINT AS rows_quarantined, "
                    # a delivery's companion (OneRoster's manifest.csv) holds no table: recorded, never a problem
                    "count(*) FILTER (WHERE status NOT IN ('loaded', 'companion')) AS files_not_loaded FROM raw.file_manifest "
                    "WHERE partition_day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1", [first, last]))
        print("\nquarantined rows (scope row) and nulled optional values (scope field) by rule:")
        print(_show(con, "SELECT source, table_name, rule, coalesce(scope, 'row') AS scope, count(*) AS rows "
                         "FROM raw.quarantine WHERE partition_day BETWEEN ? AND ? GROUP BY ALL ORDER BY 1, 2, 4, 3",
                    [first, last]))
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
    reports = p.data_dir / "reports"
    for folder in sorted(x for x in reports.glob("*") if x.is_dir()):
        pages = sorted(folder.glob("*.html"))
        print(f"\n五度报告 reports {folder.name}: {len(pages)} pages (+ xlsx) in {folder}  "
              f"(district: {next((x.name for x in pages if x.name.startswith('district-')), '-')})")
    print(f"\nanalysts: duckdb -readonly {p.published_db}   ·   python: from wudu.analyst import query")


def file_problems(root: Path, first: str, last: str) -> list[dict]:
    """Rejected and unrecognised landing files of the days (read from the build warehouse, which
    holds the manifest even when nothing was published)."""
    from transforms.blocking import blocking_problems

    p = paths(root)
    db = p.build_db if p.build_db.exists() else p.published_db
    if not db.exists():
        return []
    with duckdb.connect(str(db), read_only=True) as con:
        return blocking_problems(con, first, last)


def stray_files(root: Path) -> list[str]:
    """Files under landing/ outside every source's folder: no load sees them, so the summary does."""
    from transforms.landing import unknown_sources

    landing = paths(root).landing
    return [str(f.relative_to(landing)) for f in unknown_sources(landing)]


def print_file_problems(problems: list[dict]) -> None:
    """One paragraph naming each file, its rule and its fix (no stack trace: expected data problems)."""
    from transforms.blocking import paragraph

    if problems:
        print("\n" + paragraph(problems))


def print_stray_files(files: list[str]) -> None:
    if files:
        print(f"\n无法识别的文件 Files not recognised under landing/ ({len(files)}), outside every source folder "
              f"(roster, platform, training): {', '.join(files[:20])}{' …' if len(files) > 20 else ''} — "
              "fix 修复: move each into landing/<source>/<YYYY-MM-DD>/ or remove it.")

