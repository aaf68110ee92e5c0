"""Golden test of the dbt marts: a hand-made district, a real `dbt build`, every 五度 score by hand.

The fixture (written here, nothing else is read): one district, two schools (城关中学 城镇 初中,
山村小学 乡村 小学), two teachers (T1 urban 数学, promoted 一级→高级教师 on 09-16; T2 rural 语文),
three students (ST1, ST2 in class C1 grade 7; ST3 in class C2 grade 3), one term 2026-09-01..09-30,
event days 2026-09-07 (Mon), 09-08 (Tue), 09-16 (Wed), 09-17 (Thu).

Facts every hand computation below relies on (seeds as shipped):
- term scope = 09-07 (first data day) .. 09-17 (last data day): 9 school days = 1.8 school weeks;
  scope midpoint 09-12 (early half < 09-12 <= late half); last statement at 09-17 19:00.
- rubric 1..5 -> (score - 1) / 4 * 100; productive question band 0.4..0.85 with >= 2 answers;
  targets: 10 group minutes/lesson, 3 smart lessons/week, 2 tools/lesson, 48 h feedback,
  2 answers/lesson, 20 self-study minutes/school day; attainment standard 0.6 (语文, 数学);
  双减 written-homework limits grade 3: 60, grade 7: 90 min/day; min evidence 2 per dimension;
  equal weights; bands 优 >= 85, 良 >= 70, 中 >= 55, else 待提升.
"""
from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from raw_fixture import create_raw_schema, insert, run_dbt

DAY1, DAY2, DAY3, DAY4 = "2026-09-07", "2026-09-08", "2026-09-16", "2026-09-17"
TOL = 0.01


def ts(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00")


# ----------------------------------------------------------------------------------------------
# fixture
# ----------------------------------------------------------------------------------------------
def roster_snapshot(con, day: str, t1_title: str) -> None:
    insert(con, "roster__orgs", day, [
        {"sourced_id": "D1", "status": "active", "name": "示例区", "type": "district"},
        {"sourced_id": "SCH-U", "status": "active", "name": "城关中学", "type": "school",
         "parent_sourced_id": "D1", "urban_rural": "城镇", "stage": "初中", "edu_group": "城关教育集团",
         "is_smart_school": True, "bandwidth_mbps": 1000.0, "teacher_devices": 10,
         "student_devices": 30, "smart_classrooms": 2},
        {"sourced_id": "SCH-R", "status": "active", "name": "山村小学", "type": "school",
         "parent_sourced_id": "D1", "urban_rural": "乡村", "stage": "小学",
         "is_smart_school": True, "bandwidth_mbps": 200.0, "teacher_devices": 5,
         "student_devices": 12, "smart_classrooms": 1},
    ])
    insert(con, "roster__academic_sessions", day, [
        {"sourced_id": "SY2027", "status": "active", "title": "2026-2027学年", "type": "schoolYear",
         "start_date": "2026-09-01", "end_date": "2027-07-15", "school_year": 2027},
        {"sourced_id": "TERM1", "status": "active", "title": "2026秋季学期", "type": "term",
         "start_date": "2026-09-01", "end_date": "2026-09-30", "parent_sourced_id": "SY2027",
         "school_year": 2027},
    ])
    insert(con, "roster__courses", day, [
        {"sourced_id": "CRS-M", "status": "active", "title": "七年级数学", "school_year_sourced_id": "SY2027",
         "grades": "07", "subjects": "数学", "org_sourced_id": "SCH-U"},
        {"sourced_id": "CRS-C", "status": "active", "title": "三年级语文", "school_year_sourced_id": "SY2027",
         "grades": "03", "subjects": "语文", "org_sourced_id": "SCH-R"},
    ])
    insert(con, "roster__classes", day, [
        {"sourced_id": "C1", "status": "active", "title": "七年级1班", "grades": "07", "course_sourced_id": "CRS-M",
         "class_type": "homeroom", "school_sourced_id": "SCH-U", "term_sourced_ids": "TERM1", "subjects": "数学"},
        {"sourced_id": "C2", "status": "active", "title": "三年级1班", "grades": "03", "course_sourced_id": "CRS-C",
         "class_type": "homeroom", "school_sourced_id": "SCH-R", "term_sourced_ids": "TERM1", "subjects": "语文"},
    ])
    user = {"status": "active", "enabled_user": True}
    insert(con, "roster__users", day, [
        {**user, "sourced_id": "T1", "role": "teacher", "primary_org_sourced_id": "SCH-U", "title": t1_title,
         "backbone_level": "区级", "birth_year": 1985, "gender": "男", "username_hash": "h-t1"},
        {**user, "sourced_id": "T2", "role": "teacher", "primary_org_sourced_id": "SCH-R", "title": "二级教师",
         "backbone_level": "无", "birth_year": 1972, "gender": "女", "username_hash": "h-t2"},
        {**user, "sourced_id": "ST1", "role": "student", "primary_org_sourced_id": "SCH-U", "grades": "07",
         "birth_year": 2013, "gender": "女", "student_no_hash": "h-st1"},
        {**user, "sourced_id": "ST2", "role": "student", "primary_org_sourced_id": "SCH-U", "grades": "07",
         "birth_year": 2013, "gender": "男", "student_no_hash": "h-st2"},
        {**user, "sourced_id": "ST3", "role": "student", "primary_org_sourced_id": "SCH-R", "grades": "03",
         "birth_year": 2017, "gender": "男", "student_no_hash": "h-st3"},
    ])
    enr = {"status": "active", "begin_date": "2026-09-01"}
    insert(con, "roster__enrollments", day, [
        {**enr, "sourced_id": "E1", "class_sourced_id": "C1", "school_sourced_id": "SCH-U", "user_sourced_id": "T1",
         "role": "teacher", "is_primary": True},
        {**enr, "sourced_id": "E2", "class_sourced_id": "C1", "school_sourced_id": "SCH-U", "user_sourced_id": "ST1",
         "role": "student"},
        {**enr, "sourced_id": "E3", "class_sourced_id": "C1", "school_sourced_id": "SCH-U", "user_sourced_id": "ST2",
         "role": "student"},
        {**enr, "sourced_id": "E4", "class_sourced_id": "C2", "school_sourced_id": "SCH-R", "user_sourced_id": "T2",
         "role": "teacher", "is_primary": True},
        {**enr, "sourced_id": "E5", "class_sourced_id": "C2", "school_sourced_id": "SCH-R", "user_sourced_id": "ST3",
         "role": "student"},
    ])


def lesson(session_id, day, start, end, school, cls, teacher, subject, present, responding, group, tools):
    return {
        "session_id": session_id, "classroom_id": f"room-{school}", "school_id": school, "class_id": cls,
        "teacher_id": teacher, "subject": subject, "start_time": ts(day, start), "end_time": ts(day, end),
        "students_present": present, "responding_students": responding, "interactions": 10,
        "group_activity_minutes": group, "digital_tools": tools, "teacher_talk_share": 0.5,
    }


LESSONS = [
    # id, day, start, end, school, class, teacher, subject, present, responding, group min, tools
    lesson("L1", DAY1, "09:00", "09:45", "SCH-U", "C1", "T1", "数学", 40, 30, 8.0, "希沃白板;答题器"),
    lesson("L2", DAY2, "10:00", "10:40", "SCH-U", "C1", "T1", "数学", 40, 36, 12.0, "希沃白板"),
    lesson("L3", DAY3, "09:00", "09:45", "SCH-U", "C1", "T1", "数学", 38, None, None, None),
    lesson("L4", DAY1, "14:00", "14:40", "SCH-R", "C2", "T2", "语文", 20, 10, 5.0, "平板"),
    lesson("L5", DAY4, "14:00", "14:40", "SCH-R", "C2", "T2", "语文", 20, 20, 0.0, "平板；投屏"),
]


def st(sid, actor, verb, obj, when, **kw):
    return {"statement_id": sid, "actor_id": actor, "verb": verb, "object_id": obj, "timestamp": when, **kw}


def answered(sid, student, question, session, cls, when, success):
    return st(sid, student, "answered", question, when, object_type="question", session_id=session,
              class_id=cls, success=success)


STATEMENTS = [
    # in-class questions: Q-a 1/2 correct (0.5, in band), Q-b 2/2 (1.0, out), Q-c one answer (ignored),
    # Q-d 0/2 (0.0, out); Q-e one answer (ignored)
    answered("a1", "ST1", "Q-a", "L1", "C1", ts(DAY1, "09:10"), True),
    answered("a2", "ST2", "Q-a", "L1", "C1", ts(DAY1, "09:11"), False),
    answered("a3", "ST1", "Q-b", "L1", "C1", ts(DAY1, "09:20"), True),
    answered("a4", "ST2", "Q-b", "L1", "C1", ts(DAY1, "09:21"), True),
    answered("a5", "ST1", "Q-c", "L2", "C1", ts(DAY2, "10:10"), True),
    answered("a6", "ST1", "Q-d", "L3", "C1", ts(DAY3, "09:10"), False),
    answered("a7", "ST2", "Q-d", "L3", "C1", ts(DAY3, "09:11"), False),
    answered("a8", "ST3", "Q-e", "L4", "C2", ts(DAY1, "14:10"), True),
    # homework: assigned by the teacher to a class
    st("h1", "T1", "assigned", "HW1", ts(DAY1, "08:00"), object_type="homework", assignment_id="HW1",
       class_id="C1", subject="数学", due_at=ts(DAY2, "20:00"), is_layered=True, is_written=True),
    st("h2", "T1", "assigned", "HW2", ts(DAY3, "08:00"), object_type="homework", assignment_id="HW2",
       class_id="C1", subject="数学", due_at=ts(DAY4, "08:00"), is_layered=False, is_written=True),
    st("h3", "T2", "assigned", "HW3", ts(DAY1, "15:00"), object_type="homework", assignment_id="HW3",
       class_id="C2", subject="语文", due_at=ts(DAY2, "18:00"), is_layered=False, is_written=True),
    # submissions (sb1 carries its due time, the others inherit the assignment's)
    st("sb1", "ST1", "submitted", "HW1", ts(DAY1, "19:00"), object_type="homework", assignment_id="HW1",
       class_id="C1", duration_seconds=3000.0, is_written=True, due_at=ts(DAY2, "20:00")),
    # sb2 names its homework only by IRI (no assignment extension): the last path segment is the id
    st("sb2", "ST2", "submitted", "http://wudu.local/homework/HW1", ts(DAY2, "21:00"), object_type="homework",
       class_id="C1", duration_seconds=6000.0, is_written=True),
    st("sb3", "ST1", "submitted", "HW2", ts(DAY3, "20:00"), object_type="homework", assignment_id="HW2",
       class_id="C1", duration_seconds=1800.0, is_written=True),
    st("sb4", "ST2", "submitted", "HW2", ts(DAY4, "09:00"), object_type="homework", assignment_id="HW2",
       class_id="C1", duration_seconds=6000.0, is_written=True),
    st("sb5", "ST3", "submitted", "HW3", ts(DAY2, "17:00"), object_type="homework", assignment_id="HW3",
       class_id="C2", duration_seconds=1200.0, is_written=True),
    # grading, three ways of naming the submission: g1 StatementRef to sb1, feedback after 15 h;
    # g2 the student as object + assignment HW1, after 7.5 days; g3 sb3 without feedback (window still
    # open: pending); g4 the IRI .../homework/HW3/submission/ST3 (no assignment extension), after 1.5 h
    st("g1", "T1", "graded", "sb1", ts(DAY2, "10:00"), object_type="homework", assignment_id="HW1",
       response="步骤清楚", score_scaled=0.9),
    st("g2", "T1", "graded", "ST2", ts(DAY3, "09:00"), object_type="homework", assignment_id="HW1",
       response="请订正"),
    st("g3", "T1", "graded", "sb3", ts(DAY4, "07:00"), object_type="homework", assignment_id="HW2"),
    st("g4", "T2", "graded", "http://wudu.local/homework/HW3/submission/ST3", ts(DAY2, "18:30"),
       object_type="homework", response="书写工整"),
    # assessments
    st("sc1", "ST1", "scored", "EX1", ts(DAY1, "16:00"), object_type="assessment", subject="数学", score_scaled=0.5),
    st("sc2", "ST1", "scored", "EX2", ts(DAY3, "16:00"), object_type="assessment", subject="数学", score_scaled=0.9),
    st("sc3", "ST2", "scored", "EX1", ts(DAY2, "16:00"), object_type="assessment", subject="数学", score_scaled=0.6),
    st("sc4", "ST2", "scored", "EX2", ts(DAY4, "16:00"), object_type="assessment", subject="数学", score_scaled=0.66),
    st("sc5", "ST3", "scored", "EX3", ts(DAY1, "16:30"), object_type="assessment", subject="语文", score_scaled=0.45),
    st("sc6", "ST3", "scored", "EX4", ts(DAY2, "16:30"), object_type="assessment", subject="语文", score_scaled=0.54),
    # self-directed learning
    st("e1", "ST1", "experienced", "course-1", ts(DAY1, "20:00"), object_type="course", duration_seconds=1800.0),
    st("e2", "ST1", "experienced", "course-1", ts(DAY3, "21:00"), object_type="course", duration_seconds=1200.0),
    st("e3", "ST3", "experienced", "course-2", ts(DAY4, "19:00"), object_type="course", duration_seconds=3600.0),
    # resources: T1 uploads R1 (downloaded by ST1 and T2) and R2 (downloaded only by T1 itself)
    st("u1", "T1", "uploaded", "R1", ts(DAY2, "12:00"), object_type="resource"),
    st("u2", "T1", "uploaded", "R2", ts(DAY3, "12:00"), object_type="resource"),
    st("d1", "ST1", "downloaded", "R1", ts(DAY3, "18:00"), object_type="resource"),
    st("d2", "T2", "downloaded", "R1", ts(DAY4, "12:00"), object_type="resource"),
    st("d3", "T1", "downloaded", "R2", ts(DAY4, "12:30"), object_type="resource"),
]


def observation(obs_id, teacher, day, scores):
    return [
        {"observation_id": obs_id, "observer_id": "OBS-9", "teacher_id": teacher, "observed_on": day,
         "indicator_code": code, "score": float(score)}
        for code, score in scores.items()
    ]


OBSERVATIONS = (
    observation("OB1", "T1", DAY2, {"Q1": 4, "Q2": 5, "C1": 3, "C2": 5, "A1": 4, "D1": 5, "E1": 2})
    + observation("OB2", "T2", DAY3, {"Q1": 3, "Q2": 4})
)


def load_fixture(con) -> None:
    create_raw_schema(con)
    roster_snapshot(con, DAY1, t1_title="一级教师")
    roster_snapshot(con, DAY3, t1_title="高级教师")
    for row in LESSONS:
        insert(con, "platform__lesson_sessions", row["start_time"].date().isoformat(), [row])
    for row in STATEMENTS:
        insert(con, "platform__xapi_statements", row["timestamp"].date().isoformat(), [row])
    for row in OBSERVATIONS:
        insert(con, "platform__observations", row["observed_on"], [row])
    project = {"project_id": "P1", "project_name": "乡村语文项目包", "level": "区培", "project_type": "校本研修",
               "is_package": True, "base_school_id": "SCH-R", "subject": "语文", "planned_hours": 10.0,
               "start_date": "2026-09-01", "end_date": "2026-12-31", "budget_yuan": 2000.0, "outputs": 4}
    for day in (DAY1, DAY3):
        insert(con, "training__projects", day, [project])
    signins = [("SI1", "T1", DAY1, 4.0), ("SI2", "T1", DAY2, 4.0), ("SI3", "T2", DAY1, 3.0)]
    for sid, teacher, day, hours in signins:
        insert(con, "training__signins", day, [{"signin_id": sid, "teacher_id": teacher, "project_id": "P1",
                                                "signin_date": day, "hours": hours}])
    insert(con, "training__credit_audits", DAY3, [
        {"audit_id": "AU1", "teacher_id": "T1", "project_id": "P1", "approved_hours": 8.0,
         "approved_credits": 0.8, "result": "通过", "audit_date": DAY3},
        {"audit_id": "AU2", "teacher_id": "T2", "project_id": "P1", "approved_hours": 3.0,
         "result": "待审核", "audit_date": DAY3},
    ])
    insert(con, "training__survey_responses", DAY2, [
        {"response_id": "SR1", "project_id": "P1", "teacher_id": "T1", "item_code": "q1", "score": 5,
         "submitted_at": ts(DAY2, "20:00")},
        {"response_id": "SR1", "project_id": "P1", "teacher_id": "T1", "item_code": "q2", "score": 3,
         "submitted_at": ts(DAY2, "20:00")},
    ])
    insert(con, "training__survey_responses", DAY1, [
        {"response_id": "SR2", "project_id": "P1", "teacher_id": "T2", "item_code": "q1", "score": 4,
         "submitted_at": ts(DAY1, "20:00")},
    ])
    con.execute("""INSERT INTO raw.file_manifest VALUES
        ('platform', '2026-09-07', 'lesson_sessions', 'platform/2026-09-07/lesson_sessions.csv', 'x', 10,
         3, 2, 1, 'loaded', NULL, '2026-09-07 23:00:00')""")
    con.execute("""INSERT INTO raw.quarantine VALUES
        ('platform', 'lesson_sessions', '2026-09-07', 'platform/2026-09-07/lesson_sessions.csv', 3, 'range',
         'students_present', '999', 'range', '{}', '2026-09-07 23:00:00')""")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_golden")
    db = work / "golden.duckdb"
    con = duckdb.connect(str(db))
    load_fixture(con)
    con.close()
    proc = run_dbt(["build"], db, work)
    con = duckdb.connect(str(db), read_only=True)
    yield con, proc
    con.close()


def rows(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}  # keyed by the first column


def close(actual, expected):
    if expected is None:
        return actual is None
    return actual is not None and abs(actual - expected) <= TOL


# ----------------------------------------------------------------------------------------------
# hand computations (literal arithmetic from the fixture above)
# ----------------------------------------------------------------------------------------------
SCHOOL_WEEKS = 9 / 5  # 09-07..09-11 (5) + 09-14..09-17 (4) school days


def mean(*xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def rubric(*scores):
    return mean(*[(s - 1) / 4 * 100 for s in scores])


T1 = {
    # Q rubric (4, 5); questions counted Q-a 0.5 (in band), Q-b 1.0, Q-d 0.0 -> 1 of 3
    "problem_precision": mean(rubric(4, 5), 100 * 1 / 3),
    "context_authenticity": rubric(3, 5),
    # response share L1 30/40, L2 36/40 (L3 none); group minutes (8 + 12) / 2 vs 10; A rubric 4
    "activity_interaction": mean(100 * (30 / 40 + 36 / 40) / 2, 100 * min(1, ((8 + 12) / 2) / 10), rubric(4)),
    # 3 lessons / 1.8 weeks vs 3; tools (2 + 1 + 0) / 3 vs 2; R1 reused by others, R2 not; D rubric 5
    "digital_effectiveness": mean(100 * min(1, (3 / SCHOOL_WEEKS) / 3), 100 * ((2 + 1 + 0) / 3) / 2,
                                  100 * 1 / 2, rubric(5)),
    # judged submissions sb1 (feedback after 15 h) and sb2 (after 7.5 days), sb3/sb4 pending;
    # HW1 layered, HW2 not; E rubric 2
    "assessment_targeting": mean(100 * 1 / 2, 100 * 1 / 2, rubric(2)),
}
T2 = {
    "problem_precision": rubric(3, 4),  # Q-e has one answer only: no question evidence
    "context_authenticity": None,  # no C* item, no evidence
    "activity_interaction": mean(100 * (10 / 20 + 20 / 20) / 2, 100 * ((5 + 0) / 2) / 10),
    "digital_effectiveness": mean(100 * (2 / SCHOOL_WEEKS) / 3, 100 * ((1 + 2) / 2) / 2),
    "assessment_targeting": mean(100 * 1 / 1, 100 * 0 / 1),
}
ST1 = {
    # 3 lessons of C1, answered in all 3, 4 answers
    "participation": mean(100 * 3 / 3, 100 * min(1, (4 / 3) / 2)),
    # HW1, HW2 both on time; 30 + 20 self-study minutes over 9 school days vs 20
    "engagement": mean(100 * 2 / 2, 100 * min(1, ((30 + 20) / 9) / 20)),
    "attainment": 100 * (min(1, 0.5 / 0.6) + min(1, 0.9 / 0.6)) / 2,
    # change +0.4 vs ST2 +0.06 in cohort grade 7 数学 (n=2): mid-rank (1 + 0.5) / 2
    "growth": 100 * (1 + 0.5 * 1) / 2,
    # written minutes per homework day: 50 (09-07), 30 (09-16) -> 40 <= 90
    "workload": 100.0,
}
ST2 = {
    "participation": mean(100 * 2 / 3, 100 * min(1, (3 / 3) / 2)),
    "engagement": mean(100 * 0 / 2),  # both late, no self-study
    "attainment": 100 * (min(1, 0.6 / 0.6) + min(1, 0.66 / 0.6)) / 2,
    "growth": 100 * (0 + 0.5 * 1) / 2,
    "workload": 100 * 90 / ((100 + 100) / 2),  # 100 min on 09-08 and on 09-17 vs 90
}
ST3 = {
    "participation": mean(100 * 1 / 2, 100 * min(1, (1 / 2) / 2)),
    "engagement": mean(100 * 1 / 1, 100 * min(1, (60 / 9) / 20)),
    "attainment": 100 * (0.45 / 0.6 + 0.54 / 0.6) / 2,
    "growth": None,  # both assessments in the early half: no evidence
    "workload": None,  # one homework day < 2: not enough evidence
}


def band(score):
    if score is None:
        return None
    return "优" if score >= 85 else "良" if score >= 70 else "中" if score >= 55 else "待提升"


def overall(scores):
    return mean(*scores.values())


# ----------------------------------------------------------------------------------------------
# tests
# ----------------------------------------------------------------------------------------------
def test_dbt_build_passes_with_all_data_tests(warehouse):
    _, proc = warehouse
    assert "ERROR=0" in proc.stdout and "WARN=0" in proc.stdout, proc.stdout[-3000:]


@pytest.mark.parametrize("teacher, expected", [("T1", T1), ("T2", T2)])
def test_teacher_five_degree_scores_match_hand_computation(warehouse, teacher, expected):
    con, _ = warehouse
    got = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_five_degree_term")[teacher]
    for dim, value in expected.items():
        assert close(got[dim], value), (teacher, dim, got[dim], value)
    assert close(got["overall_score"], overall(expected)), (got["overall_score"], overall(expected))
    assert got["band"] == band(overall(expected))


@pytest.mark.parametrize("student, expected", [("ST1", ST1), ("ST2", ST2), ("ST3", ST3)])
def test_student_five_degree_scores_match_hand_computation(warehouse, student, expected):
    con, _ = warehouse
    got = rows(con, "select student_id, * exclude (student_id) from marts.fct_student_five_degree_term")[student]
    for dim, value in expected.items():
        assert close(got[dim], value), (student, dim, got[dim], value)
    assert close(got["overall_score"], overall(expected)), (got["overall_score"], overall(expected))
    assert got["band"] == band(overall(expected))


def test_dimension_without_evidence_is_null_not_zero(warehouse):
    con, _ = warehouse
    t2 = rows(con, "select teacher_id, context_authenticity, evidence_context_authenticity "
                   "from marts.fct_teacher_five_degree_term")["T2"]
    assert t2["context_authenticity"] is None and t2["evidence_context_authenticity"] == 0
    st3 = rows(con, "select student_id, growth, evidence_growth, workload, evidence_workload "
                    "from marts.fct_student_five_degree_term")["ST3"]
    assert st3["growth"] is None and st3["evidence_growth"] == 0
    # one homework day is evidence, but below the minimum of 2: still NULL, never a number
    assert st3["workload"] is None and st3["evidence_workload"] == 1


def test_evidence_counts(warehouse):
    con, _ = warehouse
    t1 = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_five_degree_term")["T1"]
    assert t1["evidence_problem_precision"] == 2 + 3  # 2 Q items + 3 questions
    assert t1["evidence_activity_interaction"] == 2 + 1  # L1, L2 + A1
    assert t1["evidence_digital_effectiveness"] == 3 + 2 + 1  # lessons + uploads + D1
    assert t1["evidence_assessment_targeting"] == 2 + 2 + 1  # judged submissions + assignments + E1
    st1 = rows(con, "select student_id, * exclude (student_id) from marts.fct_student_five_degree_term")["ST1"]
    assert (st1["evidence_participation"], st1["evidence_engagement"], st1["evidence_attainment"],
            st1["evidence_growth"], st1["evidence_workload"]) == (3, 2 + 2, 2, 2, 2)


def test_homework_submissions_link_to_their_grading(warehouse):
    con, _ = warehouse
    got = {r[0]: r[1:] for r in con.execute(
        "select submission_id, homework_id, teacher_id, feedback_at, is_on_time, is_feedback_in_window, is_pending "
        "from intermediate.int_homework_submissions h "
        "left join marts.dim_teacher t on t.teacher_key = h.teacher_key and t.is_last_version").fetchall()}
    assert got == {
        "sb1": ("HW1", "T1", ts(DAY2, "10:00"), True, True, False),
        "sb2": ("HW1", "T1", ts(DAY3, "09:00"), False, False, False),
        "sb3": ("HW2", "T1", None, True, False, True),
        "sb4": ("HW2", "T1", None, False, False, True),
        "sb5": ("HW3", "T2", ts(DAY2, "18:30"), True, True, False),
    }


def test_teacher_term_uses_version_valid_at_term_scope_end(warehouse):
    con, _ = warehouse
    versions = con.execute(
        "select title, valid_from, valid_to, teacher_version_key from marts.dim_teacher "
        "where teacher_id = 'T1' order by valid_from").fetchall()
    assert [(v[0], str(v[1]), str(v[2])) for v in versions] == [
        ("一级教师", DAY1, "2026-09-15"), ("高级教师", DAY3, "9999-12-31")]
    fact = con.execute("select title, teacher_version_key from marts.fct_teacher_five_degree_term "
                       "where teacher_id = 'T1'").fetchone()
    assert fact == ("高级教师", versions[1][3])
    # each lesson carries the version valid on its day
    lessons = dict(con.execute("select session_id, teacher_version_key from marts.fct_lesson_sessions "
                               "where teacher_id = 'T1'").fetchall())
    assert lessons == {"L1": versions[0][3], "L2": versions[0][3], "L3": versions[1][3]}


def test_rollups(warehouse):
    con, _ = warehouse
    teacher = rows(con, "select rollup_level || ':' || rollup_value as k, * from marts.fct_teacher_five_degree_rollup")
    assert close(teacher["school:SCH-U"]["avg_overall_score"], overall(T1))
    assert close(teacher["urban_rural:乡村"]["avg_overall_score"], overall(T2))
    assert close(teacher["district:D1"]["avg_problem_precision"],
                 (T1["problem_precision"] + T2["problem_precision"]) / 2)
    assert teacher["district:D1"]["n_context_authenticity"] == 1  # the NULL of T2 is not averaged in
    student = rows(con, "select rollup_level || ':' || rollup_value as k, * from marts.fct_student_five_degree_rollup")
    assert close(student["class:C1"]["avg_participation"], (ST1["participation"] + ST2["participation"]) / 2)
    assert close(student["stage:小学"]["avg_overall_score"], overall(ST3))


def test_training_marts(warehouse):
    con, _ = warehouse
    project = rows(con, "select project_id, * exclude (project_id) from marts.fct_training_project")["P1"]
    assert project["participants"] == 2
    assert project["trainee_visits"] == 3  # T1 on 09-07 and 09-08, T2 on 09-07
    assert project["activity_days"] == 2
    assert close(project["rural_share_pct"], 100 * 1 / 2)  # T2 teaches at the rural school
    assert close(project["completion_pct"], 100 * 1 / 2)  # T1 8 h >= 0.8 * 10 h, T2 3 h
    assert close(project["satisfaction_pct"], 100 * 2 / 3)  # scores 5, 3, 4: two >= 4
    package = rows(con, "select project_id, * exclude (project_id) from marts.fct_project_package")["P1"]
    assert (package["participants"], package["activities"], package["outputs"]) == (2, 2, 4)
    ages = dict(con.execute("select birth_year_band, participants from marts.fct_training_project_age_structure "
                            "where project_id = 'P1'").fetchall())
    assert ages["1981-1990年"] == 1 and ages["1971-1980年"] == 1 and ages["1991年及以后"] == 0
    term = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_training_term")
    assert close(term["T1"]["signin_hours"], 8) and close(term["T1"]["recognised_hours"], 8)
    assert close(term["T1"]["recognised_credits"], 8 / 10)  # 区培: 10 学时 per 学分
    assert close(term["T2"]["recognised_hours"], 0) and term["T2"]["audits_pending"] == 1
    cycle = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_training_cycle "
                      "where cycle_id = '2026-2030'")
    assert close(cycle["T1"]["progress_pct"], 100 * 8 / 360)


def test_smart_classroom_month(warehouse):
    con, _ = warehouse
    m = rows(con, "select school_id, * exclude (school_id) from marts.fct_smart_classroom_school_month "
                  "where month_start = date '2026-09-01'")
    urban = m["SCH-U"]
    assert urban["smart_lessons"] == 3
    assert close(urban["smart_lesson_hours"], (45 + 40 + 45) / 60)
    # September 2026: 22 school days (国庆调休: 09-20 worked, 09-25 off); 9 of them in the data window
    assert (urban["school_days_in_month"], urban["school_days_in_scope"]) == (22, 9)
    assert close(urban["lesson_hours_attainment_pct"], 100 * ((45 + 40 + 45) / 60) / (2 * 40 * 9 / 22))
    assert close(urban["subject_attainment_pct"], 100.0)  # 数学: 3 lessons >= 4 * 9 / 22
    assert close(urban["teacher_devices_per_100_teachers"], 100 * 10 / 1)


def test_data_quality_daily(warehouse):
    con, _ = warehouse
    dq = con.execute("select rows_loaded, rows_quarantined, quarantined_rows, raw_rows, failed_rules "
                     "from marts.fct_data_quality_daily where source = 'platform' "
                     "and table_name = 'lesson_sessions' and partition_day = date '2026-09-07'").fetchone()
    assert dq == (2, 1, 1, 2, "range")


def test_marts_hold_no_personal_data(warehouse):
    """Only the pseudonymous student-number hash reaches the marts; no free text either."""
    con, _ = warehouse
    cols = con.execute("select table_name, column_name from information_schema.columns "
                       "where table_schema = 'marts'").fetchall()
    hashes = [(t, c) for t, c in cols if c.endswith("_hash")]
    assert hashes == [("dim_student", "student_no_hash")]
    free_text = {"response", "comment", "item_text", "teacher_name", "username", "email", "phone", "id_card"}
    assert [(t, c) for t, c in cols if c in free_text] == []
