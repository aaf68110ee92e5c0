"""The demo district's people and organisation: schools, teachers, students, sections, classes,
courses, and the roster changes planned over the days (transfers, 职称 promotions, leavers).

Everything is drawn from numpy generators keyed by (seed, purpose[, day, school]) so a day's data
does not depend on how many days are generated after it."""
from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

import numpy as np

from transforms.demo.calendar import current_term
from transforms.demo.people import People, make_people
from transforms.seed_tables import load_seed

SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "科学",
            "音乐", "美术", "体育", "信息科技", "综合"]
SUBJECT_CODES = ["YW", "SX", "YY", "WL", "HX", "SW", "LS", "DL", "DF", "KX", "YIN", "MS", "TY", "XK", "ZH"]
S = {name: i for i, name in enumerate(SUBJECTS)}

GRADES = {  # stage -> [(grade code, label, subjects with a class per section)]
    "幼儿园": [("PR", "小班", ["综合"]), ("PK", "中班", ["综合"]), ("KG", "大班", ["综合"])],
    "小学": [(f"{g:02d}", label, subj) for g, label, subj in [
        (1, "一年级", ["语文", "数学"]), (2, "二年级", ["语文", "数学"]),
        (3, "三年级", ["语文", "数学", "英语", "科学"]), (4, "四年级", ["语文", "数学", "英语", "科学"]),
        (5, "五年级", ["语文", "数学", "英语", "科学"]), (6, "六年级", ["语文", "数学", "英语", "科学"])]],
    "初中": [("07", "七年级", ["语文", "数学", "英语", "生物", "历史"]),
             ("08", "八年级", ["语文", "数学", "英语", "物理", "历史"]),
             ("09", "九年级", ["语文", "数学", "英语", "物理", "化学"])],
}
TEACHER_SUBJECT_WEIGHTS = {
    "幼儿园": {"综合": 1.0},
    "小学": {"语文": .30, "数学": .25, "英语": .10, "科学": .07, "道德与法治": .05, "音乐": .06, "美术": .06,
             "体育": .07, "信息科技": .04},
    "初中": {"语文": .14, "数学": .14, "英语": .13, "物理": .07, "化学": .05, "生物": .06, "历史": .06, "地理": .05,
             "道德与法治": .07, "音乐": .04, "美术": .04, "体育": .10, "信息科技": .05},
}
TITLES = ["未定级", "三级教师", "二级教师", "一级教师", "高级教师", "正高级教师"]
BACKBONE = ["无", "校级", "区级", "市级", "省级"]

# (name, stage, urban, sections per grade, class size, teachers, education group)
DISTRICT_SCHOOLS = [
    ("实验幼儿园", "幼儿园", True, 2, 30, 19, "实验教育集团"),
    ("城关幼儿园", "幼儿园", True, 2, 30, 18, ""),
    ("滨江幼儿园", "幼儿园", True, 2, 28, 17, ""),
    ("实验小学", "小学", True, 3, 45, 62, "实验教育集团"),
    ("城关第一小学", "小学", True, 2, 44, 45, "实验教育集团"),
    ("城关第二小学", "小学", True, 2, 43, 44, ""),
    ("城南小学", "小学", True, 2, 44, 43, "城南教育集团"),
    ("城北小学", "小学", True, 2, 42, 42, ""),
    ("文昌小学", "小学", True, 1, 43, 29, ""),
    ("育才小学", "小学", True, 2, 43, 43, ""),
    ("滨江小学", "小学", True, 1, 44, 30, ""),
    ("春晖小学", "小学", True, 2, 45, 44, "城南教育集团"),
    ("凤鸣小学", "小学", True, 1, 41, 28, ""),
    ("书院小学", "小学", True, 2, 43, 42, ""),
    ("新城小学", "小学", True, 1, 42, 29, ""),
    ("实验中学", "初中", True, 4, 48, 88, "实验教育集团"),
    ("第一初级中学", "初中", True, 4, 47, 85, ""),
    ("城南中学", "初中", True, 3, 47, 68, "城南教育集团"),
    ("城北中学", "初中", True, 3, 46, 66, ""),
    ("育英中学", "初中", True, 3, 46, 67, ""),
    ("滨江中学", "初中", True, 2, 45, 50, ""),
    ("新城中学", "初中", True, 3, 45, 64, ""),
    ("河湾中心小学", "小学", False, 3, 36, 80, "实验教育集团"),
    ("山口中心小学", "小学", False, 3, 35, 76, ""),
    ("桥头中心小学", "小学", False, 2, 34, 66, "城南教育集团"),
    ("松林中心小学", "小学", False, 2, 33, 63, ""),
    ("河湾初级中学", "初中", False, 4, 44, 84, ""),
]
TINY_SCHOOLS = [
    ("城关小学", "小学", True, 1, 12, 11, "城关教育集团"),
    ("实验中学", "初中", True, 1, 20, 10, ""),
    ("河湾小学", "小学", False, 1, 10, 9, "城关教育集团"),
]


@dataclass(frozen=True)
class Scale:
    name: str
    smart_classrooms: int | None      # district total (None: ~1 per 6 sections)
    packages: int | None               # 项目包 count (None: scaled from the district's 39 per 1,378 teachers)
    package_size: int
    package_trainees: int | None
    rural_trainees: int | None
    n_schools: int = 0                 # generated layouts (city, province)


SCALES = {
    "tiny": Scale("tiny", 6, 2, 6, 10, 4),
    "district": Scale("district", 100, 39, 20, 694, 262),
    "city": Scale("city", None, None, 20, None, None, n_schools=1000),
    "province": Scale("province", None, None, 20, None, None, n_schools=10000),
}
DISTRICT_ID = "org-district"
DISTRICT_NAME = "示范区"


def rng_for(seed: int, *keys) -> np.random.Generator:
    """An independent generator per (seed, purpose, day, school ...)."""
    words = [seed & 0xFFFFFFFF]
    for k in keys:
        words.append(zlib.crc32(k.encode()) if isinstance(k, str) else int(k) & 0xFFFFFFFF)
    return np.random.default_rng(words)


@dataclass
class School:
    idx: int
    sourced_id: str
    name: str
    stage: str
    urban: bool
    edu_group: str
    sections_per_grade: int
    class_size: int
    n_teachers: int
    smart_classrooms: int = 0
    teacher_devices: int = 0
    student_devices: int = 0
    bandwidth: int = 0
    homework_pressure: float = 0.0
    sections: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    classes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def urban_rural(self) -> str:
        return "城镇" if self.urban else "乡村"


@dataclass
class Change:
    offset: int      # days after start
    kind: str        # transfer | title | leave
    who: int         # teacher or student index
    to: int = -1     # transfer: new school


class World:
    def __init__(self, scale: str, seed: int, start: dt.date):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; one of {', '.join(SCALES)}")
        self.scale = SCALES[scale]
        self.seed = seed
        self.start = start
        self.term = current_term(start)
        self.school_year = self.term.school_year
        self.stamp = f"{(start - dt.timedelta(days=10)).isoformat()}T01:00:00Z"
        self.transfers: dict[int, tuple[int, dt.date]] = {}  # teacher -> (previous school, day moved)
        self._build_schools()
        self._build_teachers()
        self._build_students()
        self._build_classes()
        self._build_admins()
        self._plan_changes()

    # ---------------------------------------------------------------- layout
    def _layout(self):
        if self.scale.name == "district":
            return DISTRICT_SCHOOLS
        if self.scale.name == "tiny":
            return TINY_SCHOOLS
        rng = rng_for(self.seed, "layout")
        out = []
        towns = ["城关", "城东", "城西", "城南", "城北", "新区", "开发区", "河湾", "山口", "桥头", "松林", "湖滨"]
        for i in range(self.scale.n_schools):
            stage = rng.choice(["幼儿园", "小学", "初中"], p=[.15, .55, .30])
            urban = rng.random() < 0.75
            secs = {"幼儿园": rng.integers(3, 6), "小学": rng.integers(2, 8), "初中": rng.integers(4, 12)}[stage]
            size = {"幼儿园": 30, "小学": 42, "初中": 46}[stage] - (6 if not urban else 0) + int(rng.integers(-3, 4))
            grades = len(GRADES[stage])
            ratio = {"幼儿园": 9, "小学": 15 if urban else 11, "初中": 12 if urban else 9}[stage]
            teachers = max(8, int(round(secs * grades * size / ratio)))
            suffix = {"幼儿园": "幼儿园", "小学": "小学", "初中": "中学"}[stage]
            group = f"{towns[i % len(towns)]}教育集团" if rng.random() < 0.4 else ""
            out.append((f"{towns[i % len(towns)]}第{i // len(towns) + 1}{suffix}", stage, bool(urban), int(secs),
                        size, teachers, group))
        return out

    def _build_schools(self):
        rng = rng_for(self.seed, "schools")
        layout = self._layout()
        width = max(3, len(str(len(layout))))
        self.schools = [School(i, f"sch-{i + 1:0{width}d}", name, stage, urban, group, secs, size, nt)
                        for i, (name, stage, urban, secs, size, nt, group) in enumerate(layout)]
        n_secs = np.array([s.sections_per_grade * len(GRADES[s.stage]) for s in self.schools], float)
        total_rooms = self.scale.smart_classrooms or int(round(n_secs.sum() / 6))
        self._distribute([s for s in self.schools], "smart_classrooms", n_secs, total_rooms, minimum=1)
        teachers = np.array([s.n_teachers for s in self.schools], float)
        students = np.array([s.sections_per_grade * len(GRADES[s.stage]) * s.class_size for s in self.schools], float)
        noise = rng.uniform(0.7, 1.3, len(self.schools))
        self._distribute(self.schools, "teacher_devices", teachers * noise, round(0.125 * teachers.sum()))
        noise = rng.uniform(0.7, 1.3, len(self.schools))
        self._distribute(self.schools, "student_devices", students * noise, round(0.15 * students.sum()))
        for s in self.schools:
            s.bandwidth = int(rng.choice([1000, 2000]) if s.urban else rng.choice([300, 500]))
            s.homework_pressure = float(rng.choice([0.04, 0.08, 0.35], p=[0.55, 0.3, 0.15]))

    @staticmethod
    def _distribute(items, attr, weights, total, minimum=0):
        """Integer shares of `total` proportional to weights (largest remainder), at least `minimum`."""
        total = int(total)
        base = np.full(len(items), minimum, dtype=np.int64)
        rest = total - base.sum()
        raw = weights / weights.sum() * max(rest, 0)
        share = np.floor(raw).astype(np.int64)
        order = np.argsort(-(raw - share), kind="stable")
        share[order[: rest - share.sum()]] += 1
        for item, v in zip(items, base + share):
            setattr(item, attr, int(v))

    # ---------------------------------------------------------------- people
    def _build_teachers(self):
        rng = rng_for(self.seed, "teachers")
        counts = [s.n_teachers for s in self.schools]
        n = sum(counts)
        self.teacher_width = max(5, len(str(n)))
        first = dt.date(self.start.year - 59, 1, 1)
        last = dt.date(self.start.year - 22, 12, 31)
        self.tp: People = make_people(rng, n, 0.72, with_phone=True, birth_range=(first, last))
        self.t_school = np.repeat(np.arange(len(self.schools)), counts).astype(np.int32)
        self.t_home = self.t_school.copy()
        self.t_subject = np.zeros(n, np.int8)
        ends = np.cumsum(counts)
        self.school_teachers = [np.arange(e - c, e) for e, c in zip(ends, counts)]  # kept up to date on transfers
        for s in self.schools:
            idx = self.school_teachers[s.idx]
            weights = TEACHER_SUBJECT_WEIGHTS[s.stage]
            needed = {subj for _, _, subjects in GRADES[s.stage] for subj in subjects}
            names = list(weights)
            raw = np.array([weights[k] for k in names]) * len(idx)
            cnt = np.floor(raw).astype(int)
            cnt[np.argsort(-(raw - cnt), kind="stable")[: len(idx) - cnt.sum()]] += 1
            for k, name in enumerate(names):  # every subject with classes needs a teacher
                if name in needed and cnt[k] == 0:
                    cnt[k] += 1
                    cnt[int(np.argmax(cnt))] -= 1
            self.t_subject[idx] = np.repeat([S[k] for k in names], cnt)
        age = self.start.year - np.array([self.tp.birth_year(i) for i in range(n)])
        title = np.where(age < 26, rng.choice([0, 1, 2], n, p=[.5, .1, .4]),
                np.where(age < 36, rng.choice([2, 3], n, p=[.55, .45]),
                np.where(age < 48, rng.choice([3, 4], n, p=[.6, .4]), rng.choice([3, 4, 5], n, p=[.35, .62, .03]))))
        self.t_title = title.astype(np.int8)
        self.t_backbone = rng.choice(5, n, p=[.7, .15, .1, .04, .01]).astype(np.int8)
        rural = np.array([not self.schools[s].urban for s in self.t_school])
        self.t_quality = (rng.normal(0, 1, n) - 0.35 * rural).astype(np.float32)
        self.t_smart = np.clip(rng.beta(2.0, 3.0, n) * np.where(rural, 0.7, 1.0), 0.03, 0.95).astype(np.float32)
        self.t_grading = rng.uniform(0.2, 0.7, n).astype(np.float32)  # share graded on the platform
        self.t_layered = rng.beta(1.2, 3, n).astype(np.float32)
        self.t_never_observed = rng.random(n) < 0.25
        hire_year = self.start.year - age + 22 + rng.integers(0, 4, n)
        self.t_hire = np.minimum(hire_year, self.start.year - 1).astype(np.int32)
        # planted truth reaches the platform behaviours too: better teachers grade and layer more
        # (drawn after the rest, so the older draws keep their values)
        q = self.t_quality.astype(float)
        self.t_grading = np.clip(self.t_grading + 0.12 * q, 0.05, 0.95).astype(np.float32)
        self.t_layered = np.clip(self.t_layered * np.exp(0.5 * q), 0.0, 0.95).astype(np.float32)
        # observations a teacher is owed per term (seeds/observation_expectations.csv, by title);
        # schools fulfil the policy unevenly, rural schools less (planted coverage gap)
        self.obs_compliance = np.array([rng.uniform(0.7, 1.2) if s.urban else rng.uniform(0.4, 0.8)
                                        for s in self.schools], np.float32)

    def _build_students(self):
        rng = rng_for(self.seed, "students")
        rows = []  # (school, grade index, section number, size)
        for s in self.schools:
            for g in range(len(GRADES[s.stage])):
                for sec in range(1, s.sections_per_grade + 1):
                    rows.append((s.idx, g, sec, max(5, s.class_size + int(rng.integers(-3, 4)))))
        self.sec_school = np.array([r[0] for r in rows], np.int32)
        self.sec_grade = np.array([r[1] for r in rows], np.int8)
        self.sec_number = np.array([r[2] for r in rows], np.int16)
        sizes = np.array([r[3] for r in rows], np.int64)
        self.sec_end = np.cumsum(sizes)
        self.sec_start = self.sec_end - sizes
        pressure = np.array([self.schools[s].homework_pressure for s in self.sec_school])
        self.sec_heavy = rng.random(len(rows)) < pressure
        bounds = np.searchsorted(self.sec_school, np.arange(len(self.schools) + 1))
        for s in self.schools:
            s.sections = np.arange(bounds[s.idx], bounds[s.idx + 1])
        n = int(sizes.sum())
        self.student_width = max(6, len(str(n)))
        self.s_section = np.repeat(np.arange(len(rows)), sizes).astype(np.int32)
        self.s_school = self.sec_school[self.s_section]
        # birth: grade 1 pupils are 6 at the start of the school year
        entry_age = np.array([self._grade_number(self.schools[s].stage, g) for s, g in
                              zip(self.sec_school, self.sec_grade)], np.int64)[self.s_section] + 5
        year0 = self.school_year - 1 - entry_age
        jan1 = np.array([dt.date(int(y), 1, 1).toordinal() for y in range(1990, 2030)])
        born = jan1[year0 - 1990] - 120 + rng.integers(0, 365, n)
        self.sp: People = make_people(rng, n, 0.49, with_phone=False, birth=born)
        rural = np.array([not s.urban for s in self.schools])[self.s_school]
        self.s_ability = (rng.normal(0, 1, n) - 0.3 * rural).astype(np.float32)
        improver = rng.random(n) < 0.3
        self.s_trend = np.where(improver, rng.normal(0.35, 0.12, n), rng.normal(0.0, 0.06, n)).astype(np.float32)
        self.s_speed = np.exp(-0.12 * self.s_ability + rng.normal(0, 0.15, n)).astype(np.float32)
        self.s_active = np.ones(n, bool)
        self.s_leaving = np.zeros(n, bool)  # last day in the roster (status tobedeleted)
        self._sid = [f"stu-{i + 1:0{self.student_width}d}" for i in range(n)] if n <= 2_000_000 else None

    @staticmethod
    def _grade_number(stage: str, g: int) -> int:
        return {"幼儿园": -2, "小学": 1, "初中": 7}[stage] + int(g)

    def _build_classes(self):
        cls_section, cls_subject, cls_teacher, cls_co = [], [], [], []
        for s in self.schools:
            start = len(cls_section)
            by_subject: dict[int, list[int]] = {}
            for sec in s.sections:
                for subj in GRADES[s.stage][self.sec_grade[sec]][2]:
                    by_subject.setdefault(S[subj], []).append(len(cls_section))
                    cls_section.append(sec)
                    cls_subject.append(S[subj])
                    cls_teacher.append(-1)
                    cls_co.append(-1)
            for subj, classes in by_subject.items():
                at_school = self.school_teachers[s.idx]
                teachers = at_school[self.t_subject[at_school] == subj]
                n_t, n_c = len(teachers), len(classes)
                for j, c in enumerate(classes):
                    cls_teacher[c] = int(teachers[j * min(n_t, n_c) // n_c]) if n_t else -1
                for k, t in enumerate(teachers[n_c:]):  # surplus teachers co-teach
                    if cls_co[classes[k % n_c]] == -1:
                        cls_co[classes[k % n_c]] = int(t)
            s.classes = np.arange(start, len(cls_section))
        self.sec_classes = [[] for _ in range(len(self.sec_school))]
        for c, sec in enumerate(cls_section):
            self.sec_classes[sec].append(c)
        self.c_section = np.array(cls_section, np.int32)
        self.c_subject = np.array(cls_subject, np.int8)
        self.c_teacher = np.array(cls_teacher, np.int32)
        self.c_co = np.array(cls_co, np.int32)
        self.c_school = self.sec_school[self.c_section]
        # enrolment begin dates that differ from the term start (teachers who moved in)
        self.enrol_begin: dict[tuple[int, int], dt.date] = {}

    def _build_admins(self):
        """District teaching researchers (教研员): they observe lessons."""
        rng = rng_for(self.seed, "admins")
        n = max(3, len(self.schools) // 2)
        self.ap = make_people(rng, n, 0.6, with_phone=True,
                              birth_range=(dt.date(self.start.year - 58, 1, 1), dt.date(self.start.year - 32, 12, 31)))
        self.a_subject = rng.choice([S[k] for k in ("语文", "数学", "英语", "物理", "科学", "综合")], n)

    def expected_observations(self, t: int) -> int:
        """Observations per term the district policy owes teacher t (by current title)."""
        table = {r["title"]: int(r["expected_per_term"]) for r in load_seed("observation_expectations")}
        return table.get(TITLES[self.t_title[t]], table["*"])

    def school_leaders(self, school: int) -> np.ndarray:
        """The school's leaders (校领导) who observe lessons: its two most senior teachers by title."""
        at = self.school_teachers[school]
        order = np.lexsort((at, -self.t_title[at]))
        return at[order[:2]]

    def planted_truth(self) -> dict[str, list]:
        """The latent quantities the demo draws and the marts should recover, as columns:
        teachers (teacher_id, school_id, urban, quality) and students (student_id, school_id, urban,
        ability, trend = growth of the logit score per month)."""
        urban = np.array([s.urban for s in self.schools])
        return {
            "teachers": {"teacher_id": [self.teacher_id(t) for t in range(self.n_teachers)],
                         "school_id": [self.schools[s].sourced_id for s in self.t_home],
                         "urban": urban[self.t_home].tolist(), "quality": self.t_quality.astype(float).tolist()},
            "students": {"student_id": [self.student_id(i) for i in range(self.n_students)],
                         "school_id": [self.schools[s].sourced_id for s in self.s_school],
                         "urban": urban[self.s_school].tolist(), "ability": self.s_ability.astype(float).tolist(),
                         "trend": self.s_trend.astype(float).tolist()},
        }

    # ---------------------------------------------------------------- ids and labels
    def teacher_id(self, t: int) -> str:
        return f"tch-{t + 1:0{self.teacher_width}d}"

    def student_id(self, s: int) -> str:
        if self._sid is not None:
            return self._sid[s]
        return f"stu-{s + 1:0{self.student_width}d}"

    def admin_id(self, a: int) -> str:
        return f"jyy-{a + 1:03d}"

    def ghost_teacher_id(self, rng) -> str:
        return f"tch-{int(rng.integers(10 ** self.teacher_width, 10 ** (self.teacher_width + 1)))}"

    def ghost_student_id(self, rng) -> str:
        return f"stu-{int(rng.integers(10 ** self.student_width, 10 ** (self.student_width + 1)))}"

    def grade_code(self, sec: int) -> str:
        return GRADES[self.schools[self.sec_school[sec]].stage][self.sec_grade[sec]][0]

    def grade_number(self, sec: int) -> int:
        return self._grade_number(self.schools[self.sec_school[sec]].stage, int(self.sec_grade[sec]))

    def section_title(self, sec: int) -> str:
        stage = self.schools[self.sec_school[sec]].stage
        label = GRADES[stage][self.sec_grade[sec]][1]
        return f"{label[0] if stage == '幼儿园' else label}({self.sec_number[sec]})班"

    def course_id(self, c: int) -> str:
        sec = self.c_section[c]
        school = self.schools[self.sec_school[sec]].sourced_id[4:]
        return f"crs-{school}-{self.grade_code(sec)}-{SUBJECT_CODES[self.c_subject[c]]}"

    def class_id(self, c: int) -> str:
        sec = self.c_section[c]
        return (f"cls-{self.schools[self.sec_school[sec]].sourced_id[4:]}-{self.grade_code(sec)}"
                f"{self.sec_number[sec]:02d}-{SUBJECT_CODES[self.c_subject[c]]}")

    def ghost_class_id(self, rng) -> str:
        """Grade codes 10-98 never exist."""
        return f"cls-{self.schools[0].sourced_id[4:]}-{int(rng.integers(10, 99))}99-SX"

    def section_students(self, sec: int) -> np.ndarray:
        idx = np.arange(self.sec_start[sec], self.sec_end[sec])
        return idx[self.s_active[idx]]

    # ---------------------------------------------------------------- changes over the days
    def _plan_changes(self):
        rng = rng_for(self.seed, "changes")
        k = max(1, round(len(self.tp) / 1400))
        self.changes: list[Change] = []
        used: set[int] = set()
        for offset in (2, 9, 15, 22, 29, 36):
            for _ in range(k):
                t = self._transfer_candidate(rng, used)
                if t is not None:
                    used.add(t[0])
                    self.changes.append(Change(offset, "transfer", t[0], t[1]))
        cand = np.flatnonzero(np.isin(self.t_title, [2, 3, 4]))
        for offset in (3, 11, 18, 25, 32, 39):
            for _ in range(k):
                t = int(rng.choice(cand))
                if t not in used:
                    used.add(t)
                    self.changes.append(Change(offset, "title", t))
        n_leave = max(2, round(len(self.sp) * 0.002))
        for t in rng.choice(len(self.sp), n_leave, replace=False):
            self.changes.append(Change(int(rng.integers(1, 42)), "leave", int(t)))
        self.changes.sort(key=lambda c: (c.offset, c.kind, c.who))

    def _transfer_candidate(self, rng, used):
        for _ in range(50):
            t = int(rng.integers(len(self.tp)))
            a = self.t_school[t]
            stage = self.schools[a].stage
            at_school = self.school_teachers[a]
            same = (self.t_subject[at_school] == self.t_subject[t]).sum()
            if t in used or same < 2:
                continue
            for _try in range(20):
                b = int(rng.integers(len(self.schools)))
                if b != a and self.schools[b].stage == stage:
                    return t, b
        return None
        return None

    def apply_changes(self, day: dt.date) -> list[Change]:
        """Apply the changes that take effect on `day`; returns them."""
        offset = (day - self.start).days
        self.s_active &= ~self.s_leaving  # yesterday's leavers are gone
        self.s_leaving[:] = False
        done = []
        for ch in self.changes:
            if ch.offset != offset:
                continue
            if ch.kind == "title":
                self.t_title[ch.who] = min(self.t_title[ch.who] + 1, len(TITLES) - 1)
            elif ch.kind == "leave" and self.s_active[ch.who]:
                self.s_leaving[ch.who] = True
            elif ch.kind == "transfer":
                self._transfer(ch.who, ch.to, day)
            done.append(ch)
        return done

    def _transfer(self, t: int, to: int, day: dt.date):
        a = int(self.t_school[t])
        at_school = self.school_teachers[a]
        colleagues = at_school[(self.t_subject[at_school] == self.t_subject[t]) & (at_school != t)]
        classes = self.schools[a].classes
        for c in classes[self.c_teacher[classes] == t]:
            loads = [(int(np.sum(self.c_teacher[classes] == x)), int(x)) for x in colleagues]
            new = int(min(loads)[1]) if loads else -1
            self.c_teacher[c] = new
            if self.c_co[c] == new:
                self.c_co[c] = -1
            self.enrol_begin[(int(c), new)] = day
        self.c_co[classes[self.c_co[classes] == t]] = -1
        self.t_school[t] = to
        self.school_teachers[a] = at_school[at_school != t]
        self.school_teachers[to] = np.sort(np.append(self.school_teachers[to], t))
        free = [c for c in self.schools[to].classes if self.c_subject[c] == self.t_subject[t] and self.c_co[c] == -1]
        for c in free[:2]:
            self.c_co[c] = t
            self.enrol_begin[(int(c), t)] = day
        self.transfers[t] = (int(a), day)

    # ---------------------------------------------------------------- totals
    @property
    def n_teachers(self) -> int:
        return len(self.tp)

    @property
    def n_students(self) -> int:
        return len(self.sp)
