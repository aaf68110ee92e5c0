"""Small hand-written landing files for reader/loader tests: one valid roster day and one
platform/training day whose rows each carry at most one defect, with the expected outcome."""
from __future__ import annotations

import csv
import json
from pathlib import Path

DAY = "2026-09-07"

ROSTER = {
    "orgs.csv": [
        ["sourcedId", "status", "name", "type", "parentSourcedId", "metadata.cn.urbanRural", "metadata.cn.stage"],
        ["d1", "active", "示范区", "district", "", "", ""],
        ["s1", "active", "城关小学", "school", "d1", "城镇", "小学"],
        ["s2", "active", "乡村初中", "school", "d1", "乡村", "初中"],
    ],
    "academicSessions.csv": [
        ["sourcedId", "title", "type", "startDate", "endDate", "schoolYear"],
        ["y2027", "2026-2027学年", "schoolYear", "2026-09-01", "2027-07-05", "2027"],
    ],
    "courses.csv": [["sourcedId", "title", "orgSourcedId"], ["c1", "数学", "s1"]],
    "classes.csv": [["sourcedId", "title", "schoolSourcedId", "grades"], ["k1", "三年级1班", "s1", "03"]],
    "users.csv": [
        ["sourcedId", "role", "primaryOrgSourcedId", "givenName", "familyName", "phone", "metadata.cn.idCard"],
        ["t1", "teacher", "s1", "建国", "王", "13912345678", "11010119800101007X"],
        ["u1", "student", "s1", "小明", "李", "", ""],
    ],
    "roles.csv": [["sourcedId", "userSourcedId", "role", "orgSourcedId"], ["r1", "t1", "teacher", "s1"]],
    "enrollments.csv": [
        ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
        ["e1", "k1", "s1", "t1", "teacher"],
    ],
}

SESSIONS_HEADER = ["session_id", "school_id", "class_id", "teacher_id", "subject", "start_time", "end_time",
                   "students_present", "teacher_talk_share"]
# (row, expected rule or None, expected column)
SESSIONS = [
    (["ls1", "s1", "k1", "t1", "数学", f"{DAY} 08:00:00", f"{DAY} 08:40:00", "40", "0.5"], None, None),
    (["ls2", "s1", "k1", "t1", "数学", f"{DAY} 09:00:00", f"{DAY} 09:40:00", "", "0.5"], "required", "students_present"),
    (["ls3", "s1", "k1", "t1", "数学", f"{DAY} 10:00:00", f"{DAY} 10:40:00", "forty", "0.5"], "type", "students_present"),
    (["ls4", "s1", "k1", "t1", "魔法", f"{DAY} 11:00:00", f"{DAY} 11:40:00", "40", "0.5"], "allowed", "subject"),
    (["ls5", "s1", "k1", "t1", "数学", f"{DAY} 14:00:00", f"{DAY} 14:40:00", "40", "1.7"], "range", "teacher_talk_share"),
    (["ls6", "s1", "k1", "t1", "数学", "2026-09-06 14:00:00", "2026-09-06 14:40:00", "40", "0.5"], "in_partition_day", "start_time"),
    (["ls7", "s1", "k1", "t999", "数学", f"{DAY} 15:00:00", f"{DAY} 15:40:00", "40", "0.5"], "unknown_reference", "teacher_id"),
    (["ls1", "s1", "k1", "t1", "数学", f"{DAY} 08:00:00", f"{DAY} 08:40:00", "40", "0.5"], "duplicate_key", "session_id"),
]

SIGNIN_HEADER = ["签到编号", "教师编号", "教师姓名", "项目编号", "日期", "签到时间", "学时"]
SIGNINS = [
    (["q1", "t1", "王建国", "p1", DAY, "08:30", "3"], None, None),
    (["q2", "t1", "王建国", "p1", DAY, "8点半", "3"], "pattern", "sign_in_time"),
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_roster(landing: Path, day: str = DAY) -> None:
    for name, rows in ROSTER.items():
        write_csv(landing / "roster" / day / name, rows)


def write_platform(landing: Path, day: str = DAY) -> list[tuple[int, str | None, str | None]]:
    write_csv(landing / "platform" / day / "lesson_sessions.csv", [SESSIONS_HEADER] + [r for r, _, _ in SESSIONS])
    statements = [
        {"id": "x1", "actor": {"account": {"name": "u1"}}, "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
         "object": {"id": "q1", "definition": {"type": "http://wudu.local/activitytype/question"}},
         "result": {"success": True, "duration": "PT1M30S"}, "timestamp": f"{day}T08:10:00+08:00"},
    ]
    path = landing / "platform" / day / "statements.jsonl"
    path.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in statements) + "\n{broken\n", encoding="utf-8")
    return [(i + 1, rule, col) for i, (_, rule, col) in enumerate(SESSIONS)]


def write_training(landing: Path, day: str = DAY, encoding: str = "gb18030") -> None:
    write_csv(landing / "training" / day / "签到.csv", [SIGNIN_HEADER] + [r for r, _, _ in SIGNINS], encoding)
