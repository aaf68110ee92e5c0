"""One full OneRoster 1.2 snapshot per calendar day, as a folder of CSVs or as roster.zip.

Users, roles and enrollments are written school by school. Defects go only into users, roles and
enrollments; a user row is only broken (rather than duplicated) when nothing references that user
on the day, so the quarantine does not cascade into unknown_reference elsewhere."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from transforms.contracts import load_contracts
from transforms.demo.calendar import ACADEMIC_SESSIONS
from transforms.demo.mutators import MutationLog, TableSpec, _choice, _date_bad, _drop_last, _nonblank, required
from transforms.demo.world import BACKBONE, DISTRICT_ID, DISTRICT_NAME, GRADES, SUBJECT_CODES, SUBJECTS, TITLES, \
    World, rng_for
from transforms.demo.writers import COMPRESS_LEVEL, CsvSink, deterministic_zip

ROSTER = load_contracts()["roster"].tables
FILES = {"orgs": "orgs.csv", "academic_sessions": "academicSessions.csv", "courses": "courses.csv",
         "classes": "classes.csv", "users": "users.csv", "roles": "roles.csv", "enrollments": "enrollments.csv"}

SPECS = {
    "users": TableSpec("roster", "users", ("sourced_id",), {
        "required": required("role", "primary_org_sourced_id"),
        "type": {"birth_year": _nonblank(lambda v, rng: f"{v}年"), "enabled_user": _choice("启用", "正常")},
        "allowed": {"title": _choice("中学高级", "小学高级", "中级"), "backbone_level": _choice("县级", "教学能手"),
                    "gender": _choice("M", "F", "未知")},
        "range": {"birth_year": _nonblank(lambda v, rng: str(int(v) - 100) if int(v) < 2000 else str(int(v) + 30))},
        "pattern": {"phone": _drop_last, "id_card": _drop_last, "student_no": _nonblank(lambda v, rng: v[1:])},
    }),
    "roles": TableSpec("roster", "roles", ("sourced_id",), {
        "required": required("user_sourced_id", "org_sourced_id"),
        "type": {"begin_date": _nonblank(_date_bad)},
        "allowed": {"role_type": _choice("main", "兼职"), "role": _choice("教师", "staff")},
    }),
    "enrollments": TableSpec("roster", "enrollments", ("sourced_id",), {
        "required": required("class_sourced_id", "user_sourced_id"),
        "type": {"begin_date": _nonblank(_date_bad), "is_primary": _choice("主讲", "yes?")},
        "allowed": {"role": _choice("parent", "aide", "班主任")},
    }),
}


def columns(table: str) -> list[str]:
    return [c.name for c in ROSTER[table].columns]


def headers(table: str) -> list[str]:
    return [c.header for c in ROSTER[table].columns]


def _b(v: bool) -> str:
    return "true" if v else "false"


class RosterDay:
    def __init__(self, world: World, day: dt.date, landing: Path, log: MutationLog,
                 ref_teacher: np.ndarray, ref_student: np.ndarray, compress: bool = False):
        self.w, self.day, self.log = world, day, log
        self.ref_t, self.ref_s = ref_teacher, ref_student
        self.ds = day.isoformat()
        self.dir = landing / "roster" / self.ds
        # OneRoster's bulk zip: every day when compressed, else one day in four (both forms land)
        self.zipped = compress or day.toordinal() % 4 == 1
        self.zip_level = COMPRESS_LEVEL if compress else None
        self.counts: dict[str, int] = {}

    def display(self, name: str) -> str:
        return f"roster/{self.ds}/roster.zip!{name}" if self.zipped else f"roster/{self.ds}/{name}"

    def write(self) -> dict[str, int]:
        zf = deterministic_zip(self.dir / "roster.zip", self.zip_level) if self.zipped else None
        try:
            self._manifest(zf)
            for table, gen in [("orgs", self._orgs), ("academic_sessions", self._sessions),
                               ("courses", self._courses), ("classes", self._classes), ("users", self._users),
                               ("roles", self._roles), ("enrollments", self._enrollments)]:
                name = FILES[table]
                sink = CsvSink(self.dir / name, headers(table), zip_file=zf)
                for k, rows in enumerate(gen()):
                    if table in SPECS:
                        may = rows.may_break if isinstance(rows, _Chunk) else None
                        rng = rng_for(self.w.seed, "roster-mutation", self.day.toordinal(), table, k)
                        rows = self.log.mutate_rows(SPECS[table], columns(table), list(rows), rng, self.ds,
                                                    self.display(name), sink.records + 1, may)
                    sink.write(rows)
                sink.close()
                self.counts[table] = sink.records
        finally:
            if zf is not None:
                zf.close()
        return self.counts

    def _manifest(self, zf):
        rows = [["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
        for t in ["academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
                  "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "roles", "users"]:
            present = t in {"academicSessions", "classes", "courses", "enrollments", "orgs", "roles", "users"}
            rows.append([f"file.{t}", "bulk" if present else "absent"])
        rows += [["source.systemName", "示范区智慧教育平台"], ["source.systemCode", "wudu-demo"]]
        sink = CsvSink(self.dir / "manifest.csv", ["propertyName", "value"], zip_file=zf)
        sink.write(rows)
        sink.close()

    # ------------------------------------------------------------------ static tables
    def _orgs(self):
        w = self.w
        rows = [[DISTRICT_ID, "active", w.stamp, DISTRICT_NAME, "district", "340299"] + [""] * 9]
        for s in w.schools:
            rows.append([s.sourced_id, "active", w.stamp, s.name, "school", f"3402{s.idx + 1:06d}", DISTRICT_ID,
                         s.urban_rural, s.stage, s.edu_group, "true", str(s.bandwidth), str(s.teacher_devices),
                         str(s.student_devices), str(s.smart_classrooms)])
        yield rows

    def _sessions(self):
        yield [[a.sourced_id, "active", a.title, a.type, a.start.isoformat(), a.end.isoformat(), a.parent,
                str(a.school_year)] for a in ACADEMIC_SESSIONS]

    def _courses(self):
        w = self.w
        for s in w.schools:
            rows, seen = [], set()
            for c in s.classes:
                cid = w.course_id(c)
                if cid in seen:
                    continue
                seen.add(cid)
                sec = w.c_section[c]
                label = GRADES[s.stage][w.sec_grade[sec]][1]
                subj = SUBJECTS[w.c_subject[c]]
                rows.append([cid, "active", f"{label}{subj}", f"y{w.school_year}",
                             f"{SUBJECT_CODES[w.c_subject[c]]}{w.grade_code(sec)}", w.grade_code(sec), subj,
                             s.sourced_id])
            yield rows

    def _classes(self):
        w = self.w
        term = w.term.sourced_id
        for s in w.schools:
            yield [[w.class_id(c), "active", f"{w.section_title(w.c_section[c])}{SUBJECTS[w.c_subject[c]]}",
                    w.grade_code(w.c_section[c]), w.course_id(c),
                    f"{w.grade_code(w.c_section[c])}{w.sec_number[w.c_section[c]]:02d}{SUBJECT_CODES[w.c_subject[c]]}",
                    "scheduled", s.sourced_id, term, SUBJECTS[w.c_subject[c]]] for c in s.classes]

    # ------------------------------------------------------------------ people
    def _users(self):
        w = self.w
        rows = []
        for a in range(len(w.ap)):
            p = w.ap
            user = p.pinyin(a) + f"{a + 1:02d}"
            rows.append([w.admin_id(a), "active", "true", user, p.given_name(a), p.family_name(a), "administrator",
                         f"JYY{a + 1:03d}", f"{user}@jyzx.wudu.local", p.phone_text(a), "", DISTRICT_ID,
                         "高级教师", "区级", str(p.birth_year(a)), "男" if p.male[a] else "女", p.id_card(a), "", ""])
        yield _Chunk(rows, None)
        for s in w.schools:
            teachers = w.school_teachers[s.idx]
            taught: dict[int, set[str]] = {}
            for c in s.classes:
                for t in (w.c_teacher[c], w.c_co[c]):
                    if t >= 0:
                        taught.setdefault(int(t), set()).add(w.grade_code(w.c_section[c]))
            rows = [self._teacher_row(int(t), s, sorted(taught.get(int(t), ()))) for t in teachers]
            refs = [bool(self.ref_t[t]) for t in teachers]
            studs = np.arange(w.sec_start[s.sections[0]], w.sec_end[s.sections[-1]])
            studs = studs[w.s_active[studs]]
            rows += [self._student_row(int(i), s) for i in studs]
            refs += [bool(self.ref_s[i]) for i in studs]
            yield _Chunk(rows, lambda i, refs=refs: not refs[i])

    def _teacher_row(self, t: int, s, taught: list[str]) -> list[str]:
        w, p = self.w, self.w.tp
        user = p.pinyin(t) + f"{t % 1000:03d}"
        return [w.teacher_id(t), "active", "true", user, p.given_name(t), p.family_name(t), "teacher",
                f"JS{t + 1:0{w.teacher_width}d}", f"{user}@jy.wudu.local", p.phone_text(t), ",".join(taught),
                s.sourced_id, TITLES[w.t_title[t]], BACKBONE[w.t_backbone[t]], str(p.birth_year(t)),
                "男" if p.male[t] else "女", p.id_card(t), "", SUBJECTS[w.t_subject[t]]]

    def _student_row(self, i: int, s) -> list[str]:
        w, p = self.w, self.w.sp
        leaving = bool(w.s_leaving[i])
        card = p.id_card(i)
        return [w.student_id(i), "tobedeleted" if leaving else "active", _b(not leaving), p.pinyin(i) + card[-4:],
                p.given_name(i), p.family_name(i), "student", f"XH{i + 1:0{w.student_width}d}", "", "",
                w.grade_code(w.s_section[i]), s.sourced_id, "", "", str(p.birth_year(i)), "男" if p.male[i] else "女",
                card, "G" + card, ""]

    def _roles(self):
        w = self.w
        yield [[f"rol-{w.admin_id(a)}", "active", w.admin_id(a), "primary", "administrator", DISTRICT_ID,
                "2020-09-01", ""] for a in range(len(w.ap))]
        moved = w.transfers
        for s in w.schools:
            rows = []
            for t in w.school_teachers[s.idx]:
                t = int(t)
                tid = w.teacher_id(t)
                begin = f"{w.t_hire[t]}-09-01"
                if t in moved:
                    old, when = moved[t]
                    rows.append([f"rol-{tid}-{w.schools[old].sourced_id}", "active", tid, "secondary", "teacher",
                                 w.schools[old].sourced_id, begin, (when - dt.timedelta(days=1)).isoformat()])
                    begin = when.isoformat()
                rows.append([f"rol-{tid}-{s.sourced_id}", "active", tid, "primary", "teacher", s.sourced_id, begin, ""])
            studs = np.arange(w.sec_start[s.sections[0]], w.sec_end[s.sections[-1]])
            for i in studs[w.s_active[studs]]:
                entry = w.school_year - 1 - (w.grade_number(w.s_section[i]) - (1 if s.stage == "小学" else
                                                                                 7 if s.stage == "初中" else -2))
                rows.append([f"rol-{w.student_id(i)}", "active", w.student_id(i), "primary", "student", s.sourced_id,
                             f"{entry}-09-01", ""])
            yield rows

    def _enrollments(self):
        w = self.w
        begin, end = w.term.start.isoformat(), w.term.end.isoformat()
        for s in w.schools:
            rows = []
            for c in s.classes:
                cid = w.class_id(c)
                tail = cid[4:]
                for t, primary in ((w.c_teacher[c], "true"), (w.c_co[c], "false")):
                    if t >= 0:
                        b = w.enrol_begin.get((int(c), int(t)))
                        rows.append([f"enr-{tail}-{w.teacher_id(t)}", "active", cid, s.sourced_id, w.teacher_id(t),
                                     "teacher", primary, b.isoformat() if b else begin, end])
                for i in w.section_students(w.c_section[c]):
                    sid = w.student_id(i)
                    rows.append([f"enr-{tail}-{sid}", "active", cid, s.sourced_id, sid, "student", "false", begin, end])
            yield rows


class _Chunk(list):
    """Rows of one school plus whether each may be broken (see module doc)."""

    def __init__(self, rows, may_break):
        super().__init__(rows)
        self.may_break = may_break
