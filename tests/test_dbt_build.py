"""dbt build mechanics: incremental idempotency of the daily facts, and documentation completeness.

Idempotency (models/core/events, strategy macros/replace_window.sql): a run for the window
[min_day, max_day] must replace exactly those days — with changed data, and with EMPTY data — and
leave every other day untouched, as Dagster re-runs a partition.
"""
from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from raw_fixture import create_raw_schema, delete_day, insert, run_dbt
from tests.publish_fixtures import note_window

DAY1, DAY2 = "2026-09-07", "2026-09-08"
DAILY_FACTS = {
    # fact -> (raw table, natural key column in the fact)
    "fct_lesson_sessions": ("platform__lesson_sessions", "session_id"),
    "fct_xapi_statements": ("platform__xapi_statements", "statement_id"),
    "fct_observation_scores": ("platform__observations", "observation_id"),
    "fct_training_signins": ("training__signins", "signin_id"),
    "fct_credit_audits": ("training__credit_audits", "audit_id"),
    "fct_survey_responses": ("training__survey_responses", "response_id"),
}


def ts(day, hhmm):
    return datetime.fromisoformat(f"{day}T{hhmm}:00")


def roster(con, day):
    insert(con, "roster__orgs", day, [
        {"sourced_id": "D1", "name": "示例区", "type": "district"},
        {"sourced_id": "S1", "name": "一中", "type": "school", "parent_sourced_id": "D1", "urban_rural": "城镇",
         "stage": "初中", "smart_classrooms": 1},
    ])
    insert(con, "roster__academic_sessions", day, [
        {"sourced_id": "TERM1", "title": "秋季学期", "type": "term", "start_date": "2026-09-01",
         "end_date": "2027-01-20", "school_year": 2027},
    ])
    insert(con, "roster__classes", day, [
        {"sourced_id": "C1", "title": "七年级1班", "grades": "07", "class_type": "homeroom", "school_sourced_id": "S1",
         "subjects": "数学"},
    ])
    insert(con, "roster__users", day, [
        {"sourced_id": "T1", "role": "teacher", "primary_org_sourced_id": "S1", "title": "一级教师", "birth_year": 1980},
        {"sourced_id": "ST1", "role": "student", "primary_org_sourced_id": "S1", "grades": "07"},
    ])
    insert(con, "roster__enrollments", day, [
        {"sourced_id": "E1", "class_sourced_id": "C1", "school_sourced_id": "S1", "user_sourced_id": "ST1",
         "role": "student"},
    ])
    insert(con, "training__projects", day, [
        {"project_id": "P1", "project_name": "区培项目", "level": "区培", "planned_hours": 10.0},
    ])


def events(con, day, tag, present=30):
    """One row of every daily fact for `day`; ids carry `tag` so versions can be told apart."""
    insert(con, "platform__lesson_sessions", day, [
        {"session_id": f"L-{tag}", "school_id": "S1", "class_id": "C1", "teacher_id": "T1", "subject": "数学",
         "start_time": ts(day, "09:00"), "end_time": ts(day, "09:45"), "students_present": present,
         "responding_students": 20},
    ])
    insert(con, "platform__xapi_statements", day, [
        {"statement_id": f"X-{tag}", "actor_id": "ST1", "verb": "answered", "object_id": "Q1",
         "object_type": "question", "session_id": f"L-{tag}", "success": True, "timestamp": ts(day, "09:10")},
    ])
    insert(con, "platform__observations", day, [
        {"observation_id": f"O-{tag}", "observer_id": "OBS", "teacher_id": "T1", "observed_on": day,
         "indicator_code": "Q1", "score": 4.0},
    ])
    insert(con, "training__signins", day, [
        {"signin_id": f"S-{tag}", "teacher_id": "T1", "project_id": "P1", "signin_date": day, "hours": 3.0},
    ])
    insert(con, "training__credit_audits", day, [
        {"audit_id": f"A-{tag}", "teacher_id": "T1", "project_id": "P1", "approved_hours": 3.0,
         "result": "通过", "audit_date": day},
    ])
    insert(con, "training__survey_responses", day, [
        {"response_id": f"R-{tag}", "project_id": "P1", "item_code": "q1", "score": 5,
         "submitted_at": ts(day, "18:00")},
    ])


def clear_events(con, day):
    for raw, _ in DAILY_FACTS.values():
        delete_day(con, raw, day)


def snapshot(db):
    """fact -> {day: sorted rows}, every column."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for fact in DAILY_FACTS:
            rows = con.execute(f"select * from marts.{fact} order by all").fetchall()
            cols = [d[0] for d in con.description]
            day_i = cols.index("day")
            by_day = {}
            for r in rows:
                by_day.setdefault(str(r[day_i]), []).append(r)
            out[fact] = by_day
        return out
    finally:
        con.close()


def natural_keys(db, fact, day):
    key = DAILY_FACTS[fact][1]
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute(
            f"select {key} from marts.{fact} where day = ?", [day]).fetchall())
    finally:
        con.close()


def window(db, work, day, by_hand=False):
    """What Dagster runs per daily partition (the window in the environment, orchestration/assets/dbt.py),
    or by hand with --vars."""
    how = {"vars": {"min_day": day, "max_day": day}} if by_hand else {"window": (day, day)}
    return run_dbt(["build", "--select", "+tag:daily", "--indirect-selection", "buildable"], db, work, **how)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """Days 1 and 2 landed and built by two window runs, as two Dagster partitions."""
    work = tmp_path_factory.mktemp("dbt_build")
    db = work / "build.duckdb"
    con = duckdb.connect(str(db))
    create_raw_schema(con)
    roster(con, DAY1)
    events(con, DAY1, "d1v1")
    events(con, DAY2, "d2")
    con.close()
    window(db, work, DAY1)
    second = window(db, work, DAY2)
    # a new night's window must not make dbt re-parse the whole project (11 s instead of 5): only the
    # first invocation in a fresh target folder parses everything
    assert "Unable to do partial parsing" not in second.stdout, second.stdout[:2000]
    return db, work


def test_rerunning_a_day_replaces_exactly_that_day(two_days):
    db, work = two_days
    first = snapshot(db)
    for fact in DAILY_FACTS:
        assert len(first[fact][DAY1]) == 1 and len(first[fact][DAY2]) == 1, fact

    # 1. same data again: nothing changes, no duplicates
    window(db, work, DAY1)
    assert snapshot(db) == first

    # 2. the loader re-lands day 1 with different rows: day 1 replaced, day 2 untouched
    con = duckdb.connect(str(db))
    clear_events(con, DAY1)
    events(con, DAY1, "d1v2", present=35)
    con.close()
    window(db, work, DAY1)
    changed = snapshot(db)
    for fact in DAILY_FACTS:
        assert changed[fact][DAY2] == first[fact][DAY2], f"{fact}: day 2 must be untouched"
        ids = natural_keys(db, fact, DAY1)
        assert len(ids) == 1 and ids[0].endswith("d1v2"), (fact, ids)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select students_present from marts.fct_lesson_sessions where day = ?",
                       [DAY1]).fetchall() == [(35,)]
    con.close()

    # 2b. day 2's raw rows change but only day 1 is re-run (by Dagster, then by hand with --vars):
    # day 2's facts stay as day 2's own run built them — the window is what is rebuilt, nothing else
    con = duckdb.connect(str(db))
    clear_events(con, DAY2)
    events(con, DAY2, "d2v2")
    con.close()
    for by_hand in (False, True):
        window(db, work, DAY1, by_hand=by_hand)
        for fact in DAILY_FACTS:
            assert natural_keys(db, fact, DAY2)[0].endswith("-d2"), (fact, by_hand)
            assert natural_keys(db, fact, DAY1)[0].endswith("d1v2"), (fact, by_hand)
    con = duckdb.connect(str(db))
    clear_events(con, DAY2)
    events(con, DAY2, "d2")  # as built, for the tests below
    con.close()

    # 2c. day 1's raw rows hold one lesson three times (a re-delivery the loader did not catch): the
    # fact keeps the latest load and, within it, the file's later record — one row, the right one
    lesson = {"session_id": "L-d1v2", "school_id": "S1", "class_id": "C1", "teacher_id": "T1", "subject": "数学",
              "start_time": ts(DAY1, "09:00"), "end_time": ts(DAY1, "09:45"), "responding_students": 20}
    con = duckdb.connect(str(db))
    insert(con, "platform__lesson_sessions", DAY1, [
        {**lesson, "students_present": 36, "_loaded_at": datetime(2000, 1, 2), "_row_number": 7},
        {**lesson, "students_present": 37, "_loaded_at": datetime(2000, 1, 2), "_row_number": 8},
        {**lesson, "students_present": 99, "_loaded_at": datetime(1999, 12, 31), "_row_number": 9},
    ])
    con.close()
    window(db, work, DAY1)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select session_id, students_present from marts.fct_lesson_sessions where day = ?",
                       [DAY1]).fetchall() == [("L-d1v2", 37)]
    con.close()

    # 3. day 1 re-landed EMPTY: day 1 emptied, day 2 untouched
    con = duckdb.connect(str(db))
    clear_events(con, DAY1)
    con.close()
    window(db, work, DAY1)
    emptied = snapshot(db)
    for fact in DAILY_FACTS:
        assert DAY1 not in emptied[fact], f"{fact}: day 1 must be emptied"
        assert emptied[fact][DAY2] == first[fact][DAY2], f"{fact}: day 2 must be untouched"


def test_a_daily_fact_key_seen_again_on_another_day_fails_the_window_runs(two_days):
    """unique_in_window (tests/generic/): the keys of a run's window must occur once among every day
    held — a lesson delivered again on another day fails the nights of both days. Fix a failure there."""
    db, work = two_days
    select = ["test", "--select", "fct_lesson_sessions,test_name:unique_in_window"]
    with duckdb.connect(str(db)) as con:  # day 2's lesson, also on day 1 (emptied by the test above)
        key = con.execute("select session_key from marts.fct_lesson_sessions where day = ?", [DAY2]).fetchone()[0]
        con.execute("insert into marts.fct_lesson_sessions select * replace (cast(? as date) as day) "
                    "from marts.fct_lesson_sessions where day = ?", [DAY1, DAY2])
    try:
        for day in (DAY1, DAY2):
            out = run_dbt(select, db, work, window=(day, day), check=False)
            assert out.returncode != 0 and "FAIL 1 unique_in_window_fct_lesson_sessions_session_key" in out.stdout, \
                (day, out.stdout[-2000:])
    finally:
        with duckdb.connect(str(db)) as con:
            con.execute("delete from marts.fct_lesson_sessions where day = ? and session_key = ?", [DAY1, key])
    assert run_dbt(select, db, work, window=(DAY2, DAY2)).returncode == 0


def test_plain_build_and_full_refresh_reproduce_the_window_runs(two_days):
    db, work = two_days
    before = snapshot(db)
    run_dbt(["build"], db, work)  # default window = every landed day, all models and tests
    assert snapshot(db) == before
    run_dbt(["build", "--full-refresh", "--select", "tag:daily"], db, work)
    assert snapshot(db) == before

    # every run noted the days it may change in the publish ledger (macros/publish_ledger.sql) before
    # building — the window runs their window, a plain build and a full refresh every day — which is
    # what the incremental publish refreshes (transforms/publish/ledger.py)
    with duckdb.connect(str(db), read_only=True) as con:
        ledger = con.execute("select window_id, min_day::varchar, max_day::varchar, full_refresh "
                             "from wudu_meta.dbt_windows order by window_id").fetchall()
    n = len(ledger)
    assert [r[0] for r in ledger] == list(range(1, n + 1))
    assert ledger[:2] == [(1, DAY1, DAY1, False), (2, DAY2, DAY2, False)]
    assert ledger[-2:] == [(n - 1, "1900-01-01", "2999-12-31", False), (n, "1900-01-01", "2999-12-31", True)]
    # the publishing tests write the ledger the same way (tests/publish_fixtures.py note_window)
    note_window(work / "fixture.duckdb", DAY1, DAY1)
    shape = "select column_name, data_type, is_nullable from information_schema.columns " \
            "where table_schema = 'wudu_meta' and table_name = 'dbt_windows' order by ordinal_position"
    with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(work / "fixture.duckdb")) as b:
        assert a.execute(shape).fetchall() == b.execute(shape).fetchall()


def test_every_model_and_test_is_documented_and_docs_generate(two_days):
    db, work = two_days
    run_dbt(["docs", "generate"], db, work)
    target = work / "target"
    assert (target / "catalog.json").exists() and (target / "index.html").exists()
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    problems = []
    for uid, node in manifest["nodes"].items():
        if node["package_name"] != "wudu":
            continue
        if node["resource_type"] in ("model", "seed"):
            if not node["description"].strip():
                problems.append(f"{uid}: no description")
            if not node["config"].get("meta", {}).get("grain"):
                problems.append(f"{uid}: no meta.grain")
        if node["resource_type"] == "model":
            documented = {c for c, v in node["columns"].items() if v.get("description", "").strip()}
            actual = {c.lower() for c in catalog["nodes"].get(uid, {}).get("columns", {})}
            if actual - documented:
                problems.append(f"{uid}: undocumented columns {sorted(actual - documented)}")
        if node["resource_type"] == "test":
            desc = node.get("description", "")
            if "Protects" not in desc or "Fix" not in desc:
                problems.append(f"{uid}: test description must say what it protects and how to fix")
    assert problems == []
    marts = [n for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["config"].get("schema") == "marts"]
    tested = {dep for n in manifest["nodes"].values() if n["resource_type"] == "test"
              for dep in n["depends_on"]["nodes"]}
    assert [m["name"] for m in marts if m["unique_id"] not in tested] == []


def test_sources_carry_dagster_asset_keys():
    """Dagster wires lineage loader -> dbt: every raw source table names the raw asset that writes it."""
    import yaml
    from raw_fixture import DBT_DIR
    spec = yaml.safe_load((DBT_DIR / "models" / "staging" / "_sources.yml").read_text(encoding="utf-8"))
    for source in spec["sources"]:
        for table in source["tables"]:
            key = table["config"]["meta"]["dagster"]["asset_key"]
            assert key == ["raw", source["name"], table["name"]], (source["name"], table["name"])
