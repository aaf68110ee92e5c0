"""Golden test of the dbt marts: a hand-made district, a real `dbt build`, every 五度 score by hand.

The fixture (written here, nothing else is read): one district, three schools (城关中学 城镇 初中,
山村小学 乡村 小学, 城关幼儿园 城镇 幼儿园), two teachers (T1 urban 数学, promoted 一级→高级教师 on
09-16; T2 rural 语文), four students (ST1, ST2 in class C1 grade 7; ST3 in class C2 grade 3; ST4 in
kindergarten class C3), one term 2026-09-01..09-30 (22 school days), event days 2026-09-07 (Mon),
09-08 (Tue), 09-16 (Wed), 09-17 (Thu).

Facts every hand computation below relies on (seeds as shipped):
- term scope = 09-07 (first data day) .. 09-17 (last data day): 9 school days = 1.8 school weeks;
  scope midpoint 09-12 (early half < 09-12 <= late half); last statement at 09-17 19:00.
- rubric 1..5 -> (score - 1) / 4 * 100; productive question band 0.4..0.85 with >= 2 answers;
  targets (shares of target, not capped): 10 group minutes/lesson, 3 smart lessons/week,
  2 tools/lesson, 2 answers/lesson, 20 self-study minutes/school day; 48 h feedback; attainment
  standard 0.6 (语文, 数学), not capped; 双减 written-homework limits grade 3: 60, grade 7: 90 min/day
  (负担度 component = minutes over the limit, fewer = better); min evidence 2 per dimension, 中 from 6
  (teachers, 参与度, 投入度) or 4 (达成度, 成长度, 负担度) items, 高 from 15 / 8; equal weights;
  standard score = 50 + 10 * (value - mean) / population sd within the norm group: every 学段 group
  here is smaller than 20 persons, so the norm is the district (>= 2 persons with the component, else
  no standard score); 幼儿园 dimensions of 五度评学 do not apply; 自评 rubric items are kept apart;
  bands 优 >= 60, 良 >= 52, 中 >= 45, else 待提升; observations owed per term: 高级教师 2, 二级教师 4.
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
        {"sourced_id": "SCH-K", "status": "active", "name": "城关幼儿园", "type": "school",
         "parent_sourced_id": "D1", "urban_rural": "城镇", "stage": "幼儿园",
         "is_smart_school": True, "bandwidth_mbps": 500.0, "teacher_devices": 2,
         "student_devices": 5, "smart_classrooms": 1},
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
        {"sourced_id": "CRS-K", "status": "active", "title": "大班综合", "school_year_sourced_id": "SY2027",
         "grades": "KG", "subjects": "综合", "org_sourced_id": "SCH-K"},
    ])
    insert(con, "roster__classes", day, [
        {"sourced_id": "C1", "status": "active", "title": "七年级1班", "grades": "07", "course_sourced_id": "CRS-M",
         "class_type": "homeroom", "school_sourced_id": "SCH-U", "term_sourced_ids": "TERM1", "subjects": "数学"},
        {"sourced_id": "C2", "status": "active", "title": "三年级1班", "grades": "03", "course_sourced_id": "CRS-C",
         "class_type": "homeroom", "school_sourced_id": "SCH-R", "term_sourced_ids": "TERM1", "subjects": "语文"},
        {"sourced_id": "C3", "status": "active", "title": "大班(1)班", "grades": "KG", "course_sourced_id": "CRS-K",
         "class_type": "homeroom", "school_sourced_id": "SCH-K", "term_sourced_ids": "TERM1", "subjects": "综合"},
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
        {**user, "sourced_id": "ST4", "role": "student", "primary_org_sourced_id": "SCH-K", "grades": "KG",
         "birth_year": 2021, "gender": "女", "student_no_hash": "h-st4"},
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
        {**enr, "sourced_id": "E6", "class_sourced_id": "C3", "school_sourced_id": "SCH-K", "user_sourced_id": "ST4",
         "role": "student"},
    ])


def lesson(session_id, day, start, end, school, cls, teacher, subject, present, responding, group, tools, forms=None):
    return {
        "session_id": session_id, "classroom_id": f"room-{school}", "school_id": school, "class_id": cls,
        "teacher_id": teacher, "subject": subject, "start_time": ts(day, start), "end_time": ts(day, end),
        "students_present": present, "responding_students": responding, "interactions": 10,
        "group_activity_minutes": group, "digital_tools": tools, "teacher_talk_share": 0.5, "activity_forms": forms,
    }


LESSONS = [
    # id, day, start, end, school, class, teacher, subject, present, responding, group min, tools, activity forms
    lesson("L1", DAY1, "09:00", "09:45", "SCH-U", "C1", "T1", "数学", 40, 30, 8.0, "希沃白板;答题器", "小组合作;展示交流"),
    lesson("L2", DAY2, "10:00", "10:40", "SCH-U", "C1", "T1", "数学", 40, 36, 12.0, "希沃白板", "小组合作"),
    lesson("L3", DAY3, "09:00", "09:45", "SCH-U", "C1", "T1", "数学", 38, None, None, None),
    lesson("L4", DAY1, "14:00", "14:40", "SCH-R", "C2", "T2", "语文", 20, 10, 5.0, "平板", "角色扮演；小组合作;辩论"),
    lesson("L5", DAY4, "14:00", "14:40", "SCH-R", "C2", "T2", "语文", 20, 20, 0.0, "平板；投屏", ""),
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
    # the kindergarten child has self-directed learning: evidence, but 五度评学 does not apply to 幼儿园
    st("e4", "ST4", "experienced", "course-3", ts(DAY1, "19:00"), object_type="course", duration_seconds=600.0),
    st("e5", "ST4", "experienced", "course-3", ts(DAY2, "19:00"), object_type="course", duration_seconds=900.0),
    # resources: T1 uploads R1 (downloaded by ST1 and T2) and R2 (downloaded only by T1 itself)
    st("u1", "T1", "uploaded", "R1", ts(DAY2, "12:00"), object_type="resource"),
    st("u2", "T1", "uploaded", "R2", ts(DAY3, "12:00"), object_type="resource"),
    st("d1", "ST1", "downloaded", "R1", ts(DAY3, "18:00"), object_type="resource"),
    st("d2", "T2", "downloaded", "R1", ts(DAY4, "12:00"), object_type="resource"),
    st("d3", "T1", "downloaded", "R2", ts(DAY4, "12:30"), object_type="resource"),
]


def observation(obs_id, teacher, day, kind, role, version, scores, observer="OBS-9"):
    return [
        {"observation_id": obs_id, "observer_id": observer, "teacher_id": teacher, "observed_on": day,
         "observation_type": kind, "evaluator_role": role, "rubric_version": version,
         "indicator_code": code, "score": float(score)}
        for code, score in scores.items()
    ]


OBSERVATIONS = (
    observation("OB1", "T1", DAY2, "推门课", "教研员", "WX2026-JS-SX",
                {"Q1": 4, "Q2": 5, "C1": 3, "C2": 5, "A1": 4, "A3": 5, "D1": 5, "E1": 2})
    + observation("OB2", "T2", DAY3, "常态课", "同伴", "WX2026-PS-YW", {"Q1": 3, "Q2": 4})
    # a self-evaluation: reported as self_rubric_score, never in the 五度 scores or the coverage
    + observation("OB3", "T1", DAY4, "常态课", "自评", "WX2026-JS-SX", {"C1": 5, "A3": 5}, observer="T1")
)


def evaluation(response_id, teacher, cls, day, scores):
    return [{"response_id": response_id, "teacher_id": teacher, "class_id": cls, "item_code": code,
             "score": score, "submitted_at": ts(day, "16:30")} for code, score in scores.items()]


STUDENT_EVALUATIONS = (  # anonymous 学生评教 questionnaires
    evaluation("SE1", "T1", "C1", DAY3, {"SQ": 5, "SC": 4, "SA": 4, "SD": 5, "SE": 3})
    + evaluation("SE2", "T1", "C1", DAY3, {"SQ": 4, "SC": 2, "SA": 3, "SD": 4, "SE": 4})
    + evaluation("SE3", "T2", "C2", DAY4, {"SQ": 3, "SC": 3, "SA": 5, "SD": 3, "SE": 4})
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
    for row in STUDENT_EVALUATIONS:
        insert(con, "platform__student_evaluations", row["submitted_at"].date().isoformat(), [row])
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
         'students_present', '999', 'range', '{}', '2026-09-07 23:00:00', 'row', NULL),
        -- a field-level finding: the optional value was nulled and its row loaded (no quarantined row)
        ('platform', 'lesson_sessions', '2026-09-07', 'platform/2026-09-07/lesson_sessions.csv', 2, 'range',
         'interactions', '9999', 'range', '{}', '2026-09-07 23:00:00', 'field', NULL)""")


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


# raw component values, by hand (docs/metrics.md); None = no evidence for the component
T1_C = {
    # Q rubric (4, 5); questions counted Q-a 0.5 (in band), Q-b 1.0, Q-d 0.0 -> 1 of 3; 评教 SQ 5, 4
    "pp_rubric_score": rubric(4, 5), "pp_question_band_pct": 100 * 1 / 3, "pp_student_survey_score": rubric(5, 4),
    # C rubric (3, 5) from the 教研员 (the 自评 C1 5 is left out); 评教 SC 4, 2
    "ca_rubric_score": rubric(3, 5), "ca_student_survey_score": rubric(4, 2),
    # response share L1 30/40, L2 36/40 (L3 none); group minutes (8 + 12) / 2 vs 10 (not capped);
    # activity forms L1 2, L2 1, L3 0 per lesson; A rubric 4, 5 (A3); 评教 SA 4, 3
    "ai_response_pct": 100 * (30 / 40 + 36 / 40) / 2, "ai_group_minutes_score": 100 * ((8 + 12) / 2) / 10,
    "ai_activity_forms_per_lesson": (2 + 1 + 0) / 3, "ai_rubric_score": rubric(4, 5),
    "ai_student_survey_score": rubric(4, 3),
    # 3 lessons / 1.8 weeks vs 3; tools (2 + 1 + 0) / 3 vs 2; R1 reused by others, R2 not; D rubric 5; SD 5, 4
    "de_lessons_per_week_score": 100 * (3 / SCHOOL_WEEKS) / 3, "de_tools_per_lesson_score": 100 * ((2 + 1 + 0) / 3) / 2,
    "de_resources_reused_pct": 100 * 1 / 2, "de_rubric_score": rubric(5), "de_student_survey_score": rubric(5, 4),
    # judged submissions sb1 (feedback after 15 h) and sb2 (after 7.5 days), sb3/sb4 pending;
    # HW1 layered, HW2 not; E rubric 2; SE 3, 4
    "at_feedback_48h_pct": 100 * 1 / 2, "at_layered_pct": 100 * 1 / 2, "at_rubric_score": rubric(2),
    "at_student_survey_score": rubric(3, 4),
}
T2_C = {
    # Q-e has one answer only: no question evidence
    "pp_rubric_score": rubric(3, 4), "pp_question_band_pct": None, "pp_student_survey_score": rubric(3),
    "ca_rubric_score": None, "ca_student_survey_score": rubric(3),
    "ai_response_pct": 100 * (10 / 20 + 20 / 20) / 2, "ai_group_minutes_score": 100 * ((5 + 0) / 2) / 10,
    "ai_activity_forms_per_lesson": (3 + 0) / 2, "ai_rubric_score": None, "ai_student_survey_score": rubric(5),
    "de_lessons_per_week_score": 100 * (2 / SCHOOL_WEEKS) / 3, "de_tools_per_lesson_score": 100 * ((1 + 2) / 2) / 2,
    "de_resources_reused_pct": None, "de_rubric_score": None, "de_student_survey_score": rubric(3),
    "at_feedback_48h_pct": 100 * 1 / 1, "at_layered_pct": 100 * 0 / 1, "at_rubric_score": None,
    "at_student_survey_score": rubric(4),
}
T_EVIDENCE = {  # items behind each dimension (definitions in docs/metrics.md)
    "T1": {"problem_precision": 2 + 3 + 2,  # Q items + questions + 评教 answers
           "context_authenticity": 2 + 2,  # C items (自评 not counted) + 评教
           "activity_interaction": 2 + 2 + 2,  # L1, L2 + A1, A3 + 评教
           "digital_effectiveness": 3 + 2 + 1 + 2,  # lessons + uploads + D1 + 评教
           "assessment_targeting": 2 + 2 + 1 + 2},  # judged submissions + assignments + E1 + 评教
    "T2": {"problem_precision": 2 + 0 + 1, "context_authenticity": 0 + 1, "activity_interaction": 2 + 0 + 1,
           "digital_effectiveness": 2 + 0 + 0 + 1, "assessment_targeting": 1 + 1 + 0 + 1},
}
ST_C = {
    # 3 lessons of C1, answered in all 3, 4 answers (vs 2 per lesson, not capped); HW1, HW2 both on
    # time; 30 + 20 self-study minutes over 9 school days vs 20; scores 0.5, 0.9 vs 0.6 (not capped);
    # change +0.4 vs ST2 +0.06 in cohort grade 7 数学 (n=2): mid-rank (1 + 0.5) / 2; written minutes
    # per homework day 50 (09-07), 30 (09-16) -> 40 against the limit 90
    "ST1": {"pa_answered_lessons_pct": 100 * 3 / 3, "pa_answers_per_lesson_score": 100 * (4 / 3) / 2,
            "en_on_time_pct": 100 * 2 / 2, "en_self_study_score": 100 * ((30 + 20) / 9) / 20,
            "ac_attainment_score": 100 * (0.5 / 0.6 + 0.9 / 0.6) / 2, "gr_growth_percentile": 100 * (1 + 0.5 * 1) / 2,
            "wl_excess_minutes": (50 + 30) / 2 - 90},
    "ST2": {"pa_answered_lessons_pct": 100 * 2 / 3, "pa_answers_per_lesson_score": 100 * (3 / 3) / 2,
            "en_on_time_pct": 100 * 0 / 2, "en_self_study_score": None,  # both late, no self-study
            "ac_attainment_score": 100 * (0.6 / 0.6 + 0.66 / 0.6) / 2, "gr_growth_percentile": 100 * (0 + 0.5 * 1) / 2,
            "wl_excess_minutes": (100 + 100) / 2 - 90},  # 100 min on 09-08 and on 09-17
    # growth: both assessments in the early half; one homework day (20 min vs 60): a value, but
    # evidence 1 < 2, so 负担度 stays NULL while the value still enters the norm
    "ST3": {"pa_answered_lessons_pct": 100 * 1 / 2, "pa_answers_per_lesson_score": 100 * (1 / 2) / 2,
            "en_on_time_pct": 100 * 1 / 1, "en_self_study_score": 100 * (60 / 9) / 20,
            "ac_attainment_score": 100 * (0.45 / 0.6 + 0.54 / 0.6) / 2, "gr_growth_percentile": None,
            "wl_excess_minutes": 20 - 60},
    # ST4 (幼儿园): no component enters a norm, every dimension is 不适用
}
ST_EVIDENCE = {"ST1": (3, 2 + 2, 2, 2, 2), "ST2": (3, 2, 2, 2, 2), "ST3": (2, 1 + 1, 2, 0, 1), "ST4": (0, 2, 0, 0, 0)}
T_DIMS = ["problem_precision", "context_authenticity", "activity_interaction", "digital_effectiveness",
          "assessment_targeting"]
S_DIMS = ["participation", "engagement", "attainment", "growth", "workload"]
S_PREFIX = {"pa": "participation", "en": "engagement", "ac": "attainment", "gr": "growth", "wl": "workload"}
T_PREFIX = {"pp": "problem_precision", "ca": "context_authenticity", "ai": "activity_interaction",
            "de": "digital_effectiveness", "at": "assessment_targeting"}
DIRECTION = {"wl_excess_minutes": -1}  # fewer minutes over the limit = healthier


def standard_scores(components: dict[str, dict]) -> dict[str, dict]:
    """50 + 10 * direction * z within the district (population sd; every 学段 group < 20 persons);
    a component held by fewer than 2 persons has no norm; no spread puts everybody at 50."""
    out = {p: {} for p in components}
    for comp in next(iter(components.values())):
        values = {p: c[comp] for p, c in components.items() if c[comp] is not None}
        if len(values) < 2:
            continue
        m = sum(values.values()) / len(values)
        sd = (sum((v - m) ** 2 for v in values.values()) / len(values)) ** 0.5
        for p, v in values.items():
            out[p][comp] = 50 + 10 * DIRECTION.get(comp, 1) * ((v - m) / sd if sd else 0)
    return out


def dimension_scores(components, prefixes, evidence, dims):
    std = standard_scores(components)
    out = {}
    for p in components:
        out[p] = {}
        for k, d in enumerate(dims):
            ev = evidence[p][d] if isinstance(evidence[p], dict) else evidence[p][k]
            vals = [v for c, v in std[p].items() if prefixes[c[:2]] == d]
            out[p][d] = mean(*vals) if ev >= 2 and vals else None
    return out


TEACHERS = dimension_scores({"T1": T1_C, "T2": T2_C}, T_PREFIX, T_EVIDENCE, T_DIMS)
T1, T2 = TEACHERS["T1"], TEACHERS["T2"]
STUDENTS = dimension_scores(ST_C, S_PREFIX, ST_EVIDENCE, S_DIMS)
ST1, ST2, ST3 = STUDENTS["ST1"], STUDENTS["ST2"], STUDENTS["ST3"]
ST4 = {d: None for d in S_DIMS}


def band(score):
    if score is None:
        return None
    return "优" if score >= 60 else "良" if score >= 52 else "中" if score >= 45 else "待提升"


def overall(scores):
    scored = [v for v in scores.values() if v is not None]
    return mean(*scored) if len(scored) >= 3 else None


# ----------------------------------------------------------------------------------------------
# tests
# ----------------------------------------------------------------------------------------------
def test_dbt_build_passes_with_all_data_tests(warehouse):
    _, proc = warehouse
    assert "ERROR=0" in proc.stdout and "WARN=0" in proc.stdout, proc.stdout[-3000:]


@pytest.mark.parametrize("evaluation, person, expected", [
    ("teacher", "T1", T1), ("teacher", "T2", T2),
    ("student", "ST1", ST1), ("student", "ST2", ST2), ("student", "ST3", ST3), ("student", "ST4", ST4)])
def test_five_degree_scores_match_hand_computation(warehouse, evaluation, person, expected):
    con, _ = warehouse
    got = rows(con, f"select {evaluation}_id, * exclude ({evaluation}_id) "
                    f"from marts.fct_{evaluation}_five_degree_term")[person]
    for dim, value in expected.items():
        assert close(got[dim], value), (person, dim, got[dim], value)
    assert close(got["overall_score"], overall(expected)), (got["overall_score"], overall(expected))
    assert got["band"] == band(overall(expected))


def test_dimension_without_evidence_is_null_not_zero(warehouse):
    con, _ = warehouse
    t = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_five_degree_term")
    # one 评教 answer is evidence, but below the minimum of 2
    assert t["T2"]["context_authenticity"] is None and t["T2"]["evidence_context_authenticity"] == 1
    assert t["T2"]["context_authenticity_null_reason"] == "证据不足：1 项，少于 2 项"
    st = rows(con, "select student_id, * exclude (student_id) from marts.fct_student_five_degree_term")
    assert st["ST3"]["growth"] is None and st["ST3"]["evidence_growth"] == 0
    assert st["ST3"]["workload"] is None and st["ST3"]["evidence_workload"] == 1
    assert st["ST3"]["workload_null_reason"] == "证据不足：1 项，少于 2 项"
    assert st["ST1"]["workload_null_reason"] is None


def test_dimension_that_does_not_apply_is_null_with_its_reason(warehouse):
    """幼儿园: the kindergarten child has evidence (two self-study sessions) but no 五度评学 dimension
    applies; nothing is 0, every NULL says why, and the child's values enter no norm."""
    con, _ = warehouse
    st4 = rows(con, "select student_id, * exclude (student_id) from marts.fct_student_five_degree_term")["ST4"]
    assert st4["evidence_engagement"] == 2
    for d in S_DIMS:
        assert st4[d] is None
        assert st4[f"{d}_null_reason"].startswith("不适用："), st4[f"{d}_null_reason"]
    assert st4["engagement_null_reason"] == "不适用：幼儿园不布置家庭作业，投入度不以作业衡量"
    assert (st4["dimensions_applicable"], st4["coverage_pct"], st4["overall_score"], st4["confidence"]) == (
        0, None, None, None)
    normed = con.execute("select count(*) from intermediate.int_five_degree_standard_scores "
                         "where person_id = 'ST4'").fetchone()[0]
    assert normed == 0


def test_standard_scores_and_their_norms(warehouse):
    """Each component on the common scale: a component two persons share is standardised in the
    district (学段 groups are too small); one person alone has no norm and no standard score."""
    con, _ = warehouse
    got = {(r[0], r[1]): r[2:] for r in con.execute(
        "select person_id, component, raw_value, norm_level, norm_n, standard_score "
        "from intermediate.int_five_degree_standard_scores").fetchall()}
    raw, level, n, score = got[("T1", "ca_student_survey_score")]
    # 评教 SC: T1 (75 + 25) / 2 = 50, T2 50: no spread, both at the norm
    assert close(raw, rubric(4, 2)) and level == "区县" and n == 2 and close(score, 50.0)
    raw, level, n, score = got[("T1", "pp_student_survey_score")]
    assert close(raw, rubric(5, 4)) and n == 2 and close(score, 60.0)  # 87.5 vs T2 50: one sd above
    raw, level, n, score = got[("T1", "ca_rubric_score")]
    assert close(raw, rubric(3, 5)) and level is None and n == 1 and score is None
    raw, level, n, score = got[("ST2", "wl_excess_minutes")]
    assert close(raw, 10.0) and level == "区县" and n == 3 and score < 50  # most minutes: lowest 负担度
    assert ("T1", "ai_activity_forms_per_lesson") in got and close(got[("T1", "ai_activity_forms_per_lesson")][0], 1.0)


def test_confidence_coverage_and_percentile(warehouse):
    con, _ = warehouse
    t = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_five_degree_term")
    # T1: evidence 7, 4, 6, 8, 7 -> 中 低 中 中 中: four dimensions at 中 or better -> 高
    assert [t["T1"][f"{d}_confidence"] for d in T_DIMS] == ["中", "低", "中", "中", "中"]
    assert t["T1"]["confidence"] == "高"
    # T2: evidence 3, 1, 3, 3, 3 -> 低 everywhere, four dimensions scored -> 低
    assert [t["T2"][f"{d}_confidence"] for d in T_DIMS] == ["低", None, "低", "低", "低"]
    assert t["T2"]["confidence"] == "低"
    assert (t["T1"]["dimensions_applicable"], t["T1"]["coverage_pct"]) == (5, 100.0)
    assert (t["T2"]["dimensions_scored"], t["T2"]["coverage_pct"]) == (4, 80.0)
    # alone in their 学段: the middle of the distribution
    assert t["T1"]["overall_percentile"] == 50.0 and t["T2"]["overall_percentile"] == 50.0
    st = rows(con, "select student_id, * exclude (student_id) from marts.fct_student_five_degree_term")
    hi, lo = ("ST1", "ST2") if overall(ST1) > overall(ST2) else ("ST2", "ST1")
    assert (st[hi]["overall_percentile"], st[lo]["overall_percentile"]) == (75.0, 25.0)  # 初中: 2 students
    assert st["ST3"]["overall_percentile"] == 50.0
    # evidence 3, 4, 2, 2, 2 against 中 from 6, 6, 4, 4, 4: 低 everywhere -> 低
    assert [st["ST1"][f"{d}_confidence"] for d in S_DIMS] == ["低"] * 5 and st["ST1"]["confidence"] == "低"
    # a single term: no previous term to compare with
    assert t["T1"]["overall_score_prev_term"] is None and t["T1"]["overall_score_change"] is None


def test_self_evaluation_is_apart_from_the_score(warehouse):
    con, _ = warehouse
    t1 = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_five_degree_term")["T1"]
    assert close(t1["self_rubric_score"], rubric(5, 5))


def test_observation_coverage(warehouse):
    """Owed per term by title at the end of the scope (T1 高级教师 2, T2 二级教师 4), pro-rated to 9
    of the term's 22 school days, against external observations received (OB3 is a 自评)."""
    con, _ = warehouse
    cov = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_observation_coverage_term")
    t1, t2 = cov["T1"], cov["T2"]
    assert (t1["observations_expected_term"], t1["observations_received"], t1["self_evaluations"]) == (2, 1, 1)
    assert close(t1["observations_expected_to_date"], 2 * 9 / 22)
    assert close(t1["coverage_pct"], 100 * 1 / (2 * 9 / 22)) and t1["shortfall_to_date"] == 0
    assert (t1["received_unannounced"], t1["received_from_researchers"]) == (1, 1)
    assert (t2["observations_expected_term"], t2["observations_received"], t2["received_from_peers"]) == (4, 1, 1)
    assert close(t2["coverage_pct"], 100 * 1 / (4 * 9 / 22)) and close(t2["shortfall_to_date"], 4 * 9 / 22 - 1)
    assert t2["is_term_expectation_met"] is False
    school = rows(con, "select school_id, * exclude (school_id) from marts.fct_school_observation_coverage_term")
    assert (school["SCH-R"]["teachers"], school["SCH-R"]["teachers_behind"]) == (1, 1)
    assert close(school["SCH-U"]["coverage_pct"], 100 * 1 / (2 * 9 / 22))


def test_evidence_counts(warehouse):
    con, _ = warehouse
    t = rows(con, "select teacher_id, * exclude (teacher_id) from marts.fct_teacher_five_degree_term")
    for teacher, evidence in T_EVIDENCE.items():
        assert {d: t[teacher][f"evidence_{d}"] for d in T_DIMS} == evidence, teacher
    st = rows(con, "select student_id, * exclude (student_id) from marts.fct_student_five_degree_term")
    for student, evidence in ST_EVIDENCE.items():
        assert tuple(st[student][f"evidence_{d}"] for d in S_DIMS) == evidence, student


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
    assert close(teacher["school_subject:SCH-U|数学"]["avg_overall_score"], overall(T1))  # school x subject
    assert teacher["school_subject:SCH-U|数学"]["rollup_label"] == "城关中学·数学"
    student = rows(con, "select rollup_level || ':' || rollup_value as k, * from marts.fct_student_five_degree_rollup")
    assert close(student["class:C1"]["avg_participation"], (ST1["participation"] + ST2["participation"]) / 2)
    assert close(student["stage:小学"]["avg_overall_score"], overall(ST3))
    assert close(student["school_grade:SCH-U|7"]["avg_overall_score"], (overall(ST1) + overall(ST2)) / 2)
    assert student["stage:幼儿园"]["n_scored"] == 0 and student["stage:幼儿园"]["avg_overall_score"] is None


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
    dq = con.execute("select rows_loaded, rows_quarantined, quarantined_rows, fields_flagged, raw_rows, failed_rules "
                     "from marts.fct_data_quality_daily where source = 'platform' "
                     "and table_name = 'lesson_sessions' and partition_day = date '2026-09-07'").fetchone()
    assert dq == (2, 1, 1, 1, 2, "range"), "a field-level finding is counted apart from quarantined rows"


def test_marts_hold_no_personal_data(warehouse):
    """Only the pseudonymous student-number hash reaches the marts; no free text either."""
    con, _ = warehouse
    cols = con.execute("select table_name, column_name from information_schema.columns "
                       "where table_schema = 'marts'").fetchall()
    hashes = [(t, c) for t, c in cols if c.endswith("_hash")]
    assert hashes == [("dim_student", "student_no_hash")]
    free_text = {"response", "comment", "item_text", "teacher_name", "username", "email", "phone", "id_card"}
    assert [(t, c) for t, c in cols if c in free_text] == []
