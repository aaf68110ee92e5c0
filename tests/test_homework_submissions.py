"""int_homework_submissions kept incrementally: a night recomputes only the submissions its days can
change (models/five_degree/components/int_homework_submissions.sql), where it rebuilt every
submission held — 17.3M rows written whole each night at ten city days.

What must hold: night runs — in any landing order, with a day re-landed without a grading or an
assignment it had, with the data horizon moving on, with another feedback window — leave exactly
what a full build from every statement gives. Each scenario below exercises one of the model's
reasons to recompute a row of an earlier day, and fails if that reason is left out.
"""
from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from raw_fixture import delete_day, empty_build, full_refresh_copy, insert, insert_school_frame, run_dbt

D1, D2, D3, D4 = "2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10"
# the model and what it is built from, without data tests (the comparisons with a full build are the check here)
NIGHT = ["build", "--select", "+int_homework_submissions", "--exclude", "resource_type:test", "resource_type:unit_test"]
STATEMENTS = "platform__xapi_statements"


def at(day, hhmm):
    return datetime.fromisoformat(f"{day}T{hhmm}:00")


def assigned(sid, hw, teacher, when, due=None):
    return {"statement_id": sid, "actor_id": teacher, "verb": "assigned", "object_id": f"http://wudu.local/homework/{hw}",
            "object_type": "homework", "assignment_id": hw, "class_id": "C1", "is_written": True, "due_at": due,
            "timestamp": when}


def submitted(sid, hw, student, when):
    return {"statement_id": sid, "actor_id": student, "verb": "submitted", "object_id": f"http://wudu.local/homework/{hw}",
            "object_type": "homework", "assignment_id": hw, "duration_seconds": 600.0, "timestamp": when}


def graded(sid, obj, teacher, when, response=None, hw=None):
    return {"statement_id": sid, "actor_id": teacher, "verb": "graded", "object_id": obj, "assignment_id": hw,
            "response": response, "timestamp": when}


# what each landing day delivers (statements land on the day they are delivered, not always the day
# they happened):
#   SUB-1 (D1) gets feedback on D2 by StatementRef;
#   SUB-2 (D1, after the due time) is graded without feedback on D3 and with feedback on D4, both by
#     the homework/<hw>/submission/<student> path;
#   SUB-3 (D2) is of HW2, whose assignment happened on D2 but is delivered with D3; T1 grades it on D4;
#   SUB-X (D1, HW3, never assigned) gets feedback by StatementRef, delivered with D3 — the night that
#     runs last, when SUB-X is no longer pending;
#   SUB-Y (D1, HW3, never assigned or graded) is pending until the data horizon passes its window;
#   SUB-4 (D4) is pending at the end.
STATEMENTS_OF = {
    D1: [assigned("AS-1", "HW1", "T1", at(D1, "08:00"), due=at(D1, "20:00")),
         submitted("SUB-1", "HW1", "ST1", at(D1, "18:00")),
         submitted("SUB-2", "HW1", "ST2", at(D1, "21:00")),
         submitted("SUB-X", "HW3", "ST1", at(D1, "10:00")),
         submitted("SUB-Y", "HW3", "ST2", at(D1, "11:00"))],
    D2: [graded("GR-1", "SUB-1", "T1", at(D2, "08:00"), response="好"),
         submitted("SUB-3", "HW2", "ST1", at(D2, "10:00"))],
    D3: [graded("GR-2", "http://wudu.local/homework/HW1/submission/ST2", "T1", at(D3, "07:00")),
         assigned("AS-2", "HW2", "T2", at(D2, "08:00"), due=at(D2, "12:00")),
         graded("GR-5", "SUB-X", "T1", at(D2, "09:00"), response="补评")],
    D4: [graded("GR-3", "http://wudu.local/homework/HW1/submission/ST2", "T1", at(D4, "09:00"), response="订正"),
         graded("GR-4", "ST1", "T1", at(D4, "09:30"), response="不错", hw="HW2"),
         submitted("SUB-4", "HW2", "ST2", at(D4, "10:00"))],
}


def land(con, day, statements=None):
    """What the loader writes for a day (it replaces the day's rows first): the roster's full
    snapshot and the day's statements."""
    for table in ("roster__orgs", "roster__academic_sessions", "roster__classes", "roster__users",
                  "roster__enrollments", STATEMENTS):
        delete_day(con, table, day)
    insert_school_frame(con, day)
    insert(con, "roster__users", day, [
        {"sourced_id": t, "role": "teacher", "primary_org_sourced_id": "S1", "birth_year": 1980} for t in ("T1", "T2")
    ] + [{"sourced_id": s, "role": "student", "primary_org_sourced_id": "S1", "grades": "07"} for s in ("ST1", "ST2")])
    insert(con, "roster__enrollments", day, [
        {"sourced_id": f"E-{u}", "class_sourced_id": "C1", "school_sourced_id": "S1", "user_sourced_id": u,
         "role": "teacher" if u.startswith("T") else "student"} for u in ("T1", "T2", "ST1", "ST2")])
    insert(con, STATEMENTS, day, STATEMENTS_OF[day] if statements is None else statements)


def night(db, work, day, statements=None):
    with duckdb.connect(str(db)) as con:
        land(con, day, statements)
    run_dbt(NIGHT, db, work, window=(day, day))


def rows(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select * from intermediate.int_homework_submissions order by submission_id").fetchall()


def by_id(db, *columns) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute(
            f"select submission_id, {', '.join(columns)} from intermediate.int_homework_submissions").fetchall()}


def full_build(db, work, select=NIGHT) -> list[tuple]:
    """The same raw tables (and seeds) built from every statement at once."""
    return rows(full_refresh_copy(db, work, select))


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    """Days 1, 2 and 4 landed and run night by night, then day 3 late (a backfilled day)."""
    work = tmp_path_factory.mktemp("homework_submissions")
    db = empty_build(work)
    for day in (D1, D2, D4, D3):
        night(db, work, day)
    return db, work


def test_nights_in_any_order_equal_a_full_build(landed):
    db, work = landed
    assert rows(db) == full_build(db, work)
    got = by_id(db, "teacher_key is not null", "is_on_time", "feedback_at", "is_feedback_in_window", "is_pending",
                "first_graded_landed_day::varchar", "feedback_landed_day::varchar", "assignment_landed_day::varchar")
    assert got == {
        "SUB-1": (True, True, at(D2, "08:00"), True, False, D2, D2, D1),
        # graded on D3 without feedback (landed after D4's feedback): first grading D3, feedback D4, late
        "SUB-2": (True, False, at(D4, "09:00"), False, False, D3, D4, D1),
        # its assignment came with D3, after the submission's own night
        "SUB-3": (True, True, at(D4, "09:30"), True, False, D4, D4, D3),
        "SUB-4": (True, False, None, False, True, None, None, D3),
        # no assignment: the grader is its teacher; feedback within 48 hours, delivered late
        "SUB-X": (True, None, at(D2, "09:00"), True, False, D3, D3, None),
        # never graded; pending on its own night, not once the horizon passed its 48 hours
        "SUB-Y": (False, None, None, False, False, None, None, None),
    }


def test_a_relanded_day_without_a_grading_or_an_assignment_redoes_earlier_submissions(landed):
    db, work = landed
    # D2 again without its grading of SUB-1 (a D1 submission): SUB-1 loses its feedback
    night(db, work, D2, [s for s in STATEMENTS_OF[D2] if s["statement_id"] != "GR-1"])
    assert rows(db) == full_build(db, work)
    assert by_id(db, "feedback_at")["SUB-1"] == (None,)
    # D3 again without HW2's assignment: SUB-3 (D2) and SUB-4 (D4) lose their assigning teacher and due time
    night(db, work, D3, [s for s in STATEMENTS_OF[D3] if s["statement_id"] != "AS-2"])
    assert rows(db) == full_build(db, work)
    assert by_id(db, "assignment_landed_day", "is_on_time")["SUB-3"] == (None, None)
    # D4 withdrawn (re-landed empty): the data horizon moves back to D3 07:00, within SUB-Y's 48 hours,
    # so SUB-Y (D1, never graded) is pending again
    night(db, work, D4, [])
    assert rows(db) == full_build(db, work)
    assert by_id(db, "is_pending")["SUB-Y"] == (True,)
    # and all back as they were, in one run over the three days (a backfill's window)
    with duckdb.connect(str(db)) as con:
        for day in (D2, D3, D4):
            land(con, day)
    run_dbt(NIGHT, db, work, window=(D2, D4))
    assert rows(db) == full_build(db, work)
    assert by_id(db, "feedback_at")["SUB-1"] == (at(D2, "08:00"),)
    assert by_id(db, "is_pending")["SUB-Y"] == (False,)


def test_another_feedback_window_recomputes_every_row(landed):
    db, work = landed
    with duckdb.connect(str(db)) as con:
        seeds = con.execute("select schema_name from duckdb_tables() where table_name = 'metric_params'").fetchone()[0]
        con.execute(f"update {seeds}.metric_params set value = 72 where param = 'feedback_window_hours'")
    # the model alone (a build of its parents would seed the old value again), on D4's window
    only = ["build", "--select", "int_homework_submissions"]
    run_dbt(only, db, work, window=(D4, D4))
    got = by_id(db, "feedback_window_hours", "is_feedback_in_window")
    assert all(hours == 72 for hours, _ in got.values())
    assert got["SUB-2"] == (72, True)  # D1 21:00 → D4 09:00 is 60 hours: in a 72-hour window
    assert rows(db) == full_build(db, work, select=only)
