"""The roster snapshots kept as their changes (macros/snapshot_changes.sql): the models that ranked
every daily snapshot read the changes instead, so a night's cost does not grow with the days held.

What must hold: window runs — in any landing order, re-landed, with a day's snapshot removed — give
exactly what a full build from every snapshot gives; the versions and spans keep the snapshot
semantics (a student missing for a day and back unchanged keeps one version); the data test that
rebuilds each snapshot from the changes catches a wrong change; and a key twice in one day's snapshot
(which the loader never writes) fails the night instead of being resolved in silence.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from raw_fixture import delete_day, empty_build, full_refresh_copy, insert, insert_school_frame, run_dbt

D1, D2, D3, D4 = "2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10"
PREP = ["build", "--select", "+path:models/core/prep"]
TABLES = ["int_user_snapshot_changes", "int_enrollment_snapshot_changes", "int_users_latest",
          "int_enrollment_spans", "int_student_versions", "int_teacher_versions"]


def teacher(title):
    return {"sourced_id": "T1", "role": "teacher", "primary_org_sourced_id": "S1", "title": title, "birth_year": 1980}


def student(sid, grades, status="active", **extra):
    return {"sourced_id": sid, "role": "student", "primary_org_sourced_id": "S1", "grades": grades,
            "status": status, **extra}


def enrollment(eid, user, role="student", **extra):
    return {"sourced_id": eid, "class_sourced_id": "C1", "school_sourced_id": "S1", "user_sourced_id": user,
            "role": role, **extra}


# each day's full snapshot: ST1 is promoted on day 2 and marked tobedeleted on day 4; ST2 and E2
# are missing on day 2 and back unchanged on day 3; ST3 and E4 leave after day 2; T1's title changes
# on day 3; E1 ends on day 3
USERS = {
    D1: [teacher("一级教师"), student("ST1", "07"), student("ST2", "07"), student("ST3", "09")],
    D2: [teacher("一级教师"), student("ST1", "08"), student("ST3", "09")],
    D3: [teacher("高级教师"), student("ST1", "08"), student("ST2", "07")],
    D4: [teacher("高级教师"), student("ST1", "08", status="tobedeleted"), student("ST2", "07")],
}
ENROLLMENTS = {
    D1: [enrollment("E1", "ST1"), enrollment("E2", "ST2"), enrollment("E3", "T1", role="teacher"),
         enrollment("E4", "ST3")],
    D2: [enrollment("E1", "ST1"), enrollment("E3", "T1", role="teacher"), enrollment("E4", "ST3")],
    D3: [enrollment("E1", "ST1", end_date=date(2026, 9, 9)), enrollment("E2", "ST2"),
         enrollment("E3", "T1", role="teacher", is_primary=True)],
    D4: [enrollment("E1", "ST1", end_date=date(2026, 9, 9)), enrollment("E2", "ST2"),
         enrollment("E3", "T1", role="teacher", is_primary=True)],
}


def land(con, day, users=None):
    """What the loader writes for a day's roster (it replaces the day's rows first)."""
    for table in ("roster__orgs", "roster__academic_sessions", "roster__classes", "roster__users",
                  "roster__enrollments"):
        delete_day(con, table, day)
    insert_school_frame(con, day)
    insert(con, "roster__users", day, users if users is not None else USERS[day])
    insert(con, "roster__enrollments", day, ENROLLMENTS[day])


def state(db) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"select * from intermediate.{t} order by all").fetchall() for t in TABLES}


def full_build(db, work) -> dict[str, list[tuple]]:
    """The same raw tables built from every snapshot at once (a full refresh, the wide default window)."""
    return state(full_refresh_copy(db, work, PREP))


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    """Days 1, 2 and 4 landed and built night by night, then day 3 late (a backfilled day)."""
    work = tmp_path_factory.mktemp("roster_changes")
    db = empty_build(work)
    for day in (D1, D2, D4, D3):
        with duckdb.connect(str(db)) as con:
            land(con, day)
        run_dbt(PREP, db, work, window=(day, day))
    return db, work


def test_window_runs_in_any_order_equal_a_full_build(landed):
    db, work = landed
    got = state(db)
    assert got == full_build(db, work)

    with duckdb.connect(str(db), read_only=True) as con:
        changes = con.execute("select snapshot_day::varchar, user_id, change, grades from "
                              "intermediate.int_user_snapshot_changes where snapshot_day > ? order by all",
                              [D1]).fetchall()
        assert changes == [(D2, "ST1", "changed", "08"), (D2, "ST2", "gone", None),
                           (D3, "ST2", "listed", "07"), (D3, "ST3", "gone", None), (D3, "T1", "changed", None),
                           (D4, "ST1", "changed", "08")]
        versions = con.execute("select student_id, grades, status, valid_from::varchar, valid_to::varchar, "
                               "is_last_version, last_seen_day::varchar from intermediate.int_student_versions "
                               "order by student_id, version_number").fetchall()
        assert versions == [
            ("ST1", "07", "active", D1, D1, False, D4),
            ("ST1", "08", "active", D2, D3, False, D4),
            ("ST1", "08", "tobedeleted", D4, "9999-12-31", True, D4),
            ("ST2", "07", "active", D1, "9999-12-31", True, D4),  # missing on day 2, back unchanged
            ("ST3", "09", "active", D1, D2, True, D2),  # left the roster after day 2
        ]
        assert con.execute("select title, valid_from::varchar from intermediate.int_teacher_versions "
                           "order by version_number").fetchall() == [("一级教师", D1), ("高级教师", D3)]
        spans = con.execute("select enrollment_id, is_primary, valid_to::varchar, last_seen_day::varchar "
                            "from intermediate.int_enrollment_spans order by 1").fetchall()
        assert spans == [("E1", False, "2026-09-09", D4), ("E2", False, "9999-12-31", D4),
                         ("E3", True, "9999-12-31", D4), ("E4", False, D2, D2)]
        assert con.execute("select user_id, last_snapshot_day::varchar, is_current from "
                           "intermediate.int_users_latest order by 1").fetchall() == [
            ("ST1", D4, False), ("ST2", D4, True), ("ST3", D2, False), ("T1", D4, True)]


def test_a_relanded_or_removed_day_redoes_the_next_snapshots_changes(landed):
    db, work = landed
    # day 3 re-landed: ST1 back in grade 07 that day — day 4's changes were made against the old day 3
    with duckdb.connect(str(db)) as con:
        land(con, D3, users=[teacher("高级教师"), student("ST1", "07"), student("ST2", "07")])
    run_dbt(PREP, db, work, window=(D3, D3))
    assert state(db) == full_build(db, work)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select change, grades from intermediate.int_user_snapshot_changes "
                           "where user_id = 'ST1' and snapshot_day = ?", [D4]).fetchall() == [("changed", "08")]

    # day 3's roster withdrawn (re-landed empty): day 4 now follows day 2
    with duckdb.connect(str(db)) as con:
        for table in ("roster__users", "roster__enrollments"):
            delete_day(con, table, D3)
    run_dbt(PREP, db, work, window=(D3, D3))
    got = state(db)
    assert got == full_build(db, work)
    assert not any(str(r[1]) == D3 for r in got["int_user_snapshot_changes"])
    assert ("ST2", "listed") in {(r[0], r[3]) for r in got["int_user_snapshot_changes"] if str(r[1]) == D4}


def test_a_wrong_change_fails_the_snapshot_check(landed):
    """reproduces_snapshots (tests/generic/) rebuilds the window's snapshots from the changes."""
    db, work = landed
    check = ["test", "--select", "int_user_snapshot_changes,test_name:reproduces_snapshots"]
    assert run_dbt(check, db, work, window=(D2, D2)).returncode == 0
    with duckdb.connect(str(db)) as con:  # a change the detection "missed": ST1's promotion recorded wrong
        con.execute("update intermediate.int_user_snapshot_changes set grades = '09' "
                    "where user_id = 'ST1' and snapshot_day = ?", [D2])
    try:
        out = run_dbt(check, db, work, window=(D2, D2), check=False)
        assert out.returncode != 0 and "FAIL 1 reproduces_snapshots" in out.stdout, out.stdout[-2000:]
    finally:
        run_dbt(PREP + ["--full-refresh"], db, work)


def test_a_key_twice_in_a_days_snapshot_fails_the_night(landed):
    """The changes rely on one row per key and day (the loader's duplicate_key rule); rows written
    around the loader must stop the night at the staging model's grain test, not pick one in silence."""
    db, work = landed
    with duckdb.connect(str(db)) as con:
        insert(con, "roster__users", D2, [{**student("ST1", "09"), "_row_number": 99}])
    try:
        out = run_dbt(PREP, db, work, window=(D2, D2), check=False)
        assert out.returncode != 0 and "FAIL 1 unique_combination_stg_roster__users" in out.stdout, out.stdout[-3000:]
        assert "SKIP relation intermediate.int_user_snapshot_changes" in out.stdout
    finally:
        with duckdb.connect(str(db)) as con:
            con.execute("delete from raw.roster__users where _partition_day = ? and _row_number = 99", [D2])
