"""The continuing-education system's exports: 培训项目 (a daily snapshot), 签到 on project days
(some on weekends), 满意度问卷 after sessions, and 学分审核 batches on Fridays.

Project schedules are laid out from the first generated day: every 项目包 opens (上午 and 下午
sign-ins, everyone present) within the first two weeks, so a window of three weeks or more shows
the whole package programme. Package members are fixed up front to match the calibration
(district: 39 packages of ~20, 694 distinct trainees, 262 of them in rural schools)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from transforms.contracts import load_contracts
from transforms.demo.calendar import is_school_day, is_workday
from transforms.demo.mutators import MutationLog, TableSpec, _choice, _date_bad, _drop_last, _nonblank, _prev_day, \
    _ts_bad, required
from transforms.demo.world import SUBJECTS, World, rng_for
from transforms.demo.writers import CsvSink, header_variant, write_xlsx, xlsx_cells

TRAINING = load_contracts()["training"].tables
COLS = {t: [c.name for c in TRAINING[t].columns] for t in TRAINING}
THEMES = ["大单元教学设计", "作业设计与双减落实", "智慧课堂深度应用", "课堂提问与追问", "真实情境教学",
          "跨学科主题学习", "新教师成长", "学习评价与反馈", "实验教学能力提升", "整本书阅读教学"]
SURVEY_ITEMS = [("S1", "培训内容切合教学实际"), ("S2", "专家讲解清楚透彻"), ("S3", "组织安排有序、服务周到"),
                ("S4", "研讨交流充分"), ("S5", "所学能用到自己的课堂"), ("S6", "总体满意程度")]
SURVEY_P = [0.003, 0.007, 0.04, 0.33, 0.62]  # scores 1..5: ~95% give 4 or 5
CREDIT_PER_HOUR = 0.1


def _season(d: dt.date) -> str:
    return "秋季" if d.month >= 8 or d.month == 1 else "春季"


@dataclass
class Session:
    day: dt.date
    start: str
    end: str
    hours: float
    attendance: float
    survey: bool


@dataclass
class Project:
    project_id: str
    name: str
    level: str
    project_type: str
    is_package: bool
    base_school: str
    subject: str
    planned_hours: float
    budget: int
    outputs: int
    members: np.ndarray           # teacher indices ([] for 校本: the school's current teachers)
    school: int = -1              # 校本: the school
    sessions: list[Session] = field(default_factory=list)
    online_p: float = 1.0         # share of members signing in on each online day


class Training:
    def __init__(self, world: World, landing: Path, log: MutationLog):
        self.w, self.landing, self.log = world, landing, log
        self.projects: list[Project] = []
        self.history: deque = deque()  # (day, teacher, project id, hours) of the last week's sign-ins
        self.totals: Counter = Counter()
        self.specs = self._specs()
        self._plan()

    # ------------------------------------------------------------------ plan
    def _plan(self):
        w = self.w
        rng = rng_for(w.seed, "training")
        year = w.start.year
        pid = iter(f"PX{year}{k:03d}" for k in range(1, 100000))
        self._packages(rng, pid)
        n_t = w.n_teachers
        for k in range(max(1, round(3 * n_t / 1392))):
            members = rng.choice(n_t, min(n_t, int(rng.integers(40, 61))), replace=False, p=self._backbone_weights())
            p = Project(next(pid), f"国培计划—{THEMES[int(rng.integers(len(THEMES)))]}网络研修", "国培", "网络研修", False,
                        "", "", float(rng.choice([60, 80, 120])), int(rng.integers(8, 20)) * 10000,
                        int(rng.integers(5, 30)), members, online_p=0.35)
            first = int(rng.integers(0, 21))
            for d in range(first, first + 30):
                p.sessions.append(Session(w.start + dt.timedelta(days=d), "19:30", "21:00",
                                          float(rng.choice([1.0, 1.5, 2.0])), 1.0, d == first + 29))
            self.projects.append(p)
        for level, count, days, size in (("市培", 4, 3, (25, 41)), ("区培", 8, 2, (40, 81))):
            for k in range(max(1, round(count * n_t / 1392))):
                theme = THEMES[int(rng.integers(len(THEMES)))]
                members = rng.choice(n_t, min(n_t, int(rng.integers(*size))), replace=False)
                name = f"市级骨干教师{theme}研修班" if level == "市培" else f"区级{theme}专题培训"
                base = w.schools[int(rng.integers(len(w.schools)))].sourced_id
                p = Project(next(pid), name, level, "集中面授", False, base, "", float(days * 6),
                            int(rng.integers(2, 9)) * 5000, int(rng.integers(0, 8)), members)
                first = int(rng.integers(0, 41))
                for d in range(first, first + days):
                    p.sessions.append(Session(w.start + dt.timedelta(days=d), "08:30", "16:30", 6.0, 0.95, True))
                self.projects.append(p)
        for s in w.schools:
            wd = int(rng.choice([2, 3]))  # 周三 or 周四 afternoons
            p = Project(next(pid), f"{s.name}{year}年{_season(w.start)}校本研修", "校本", "校本研修", False,
                        s.sourced_id, "", 36.0, int(rng.integers(1, 6)) * 2000, int(rng.integers(0, 6)),
                        np.zeros(0, np.int64), school=s.idx)
            for d in range(0, 120):
                day = w.start + dt.timedelta(days=d)
                if day.weekday() == wd and is_school_day(day):
                    p.sessions.append(Session(day, "15:40", "17:10", 2.0, 0.9, False))
            self.projects.append(p)
        for p in self.projects:
            p.sessions.sort(key=lambda x: (x.day, x.start))
        self.by_day: dict[dt.date, list[tuple[Project, int]]] = {}
        for p in self.projects:
            for k, sess in enumerate(p.sessions):
                self.by_day.setdefault(sess.day, []).append((p, k))

    def _backbone_weights(self):
        wts = 1.0 + self.w.t_backbone.astype(float)
        return wts / wts.sum()

    def _packages(self, rng, pid):
        """项目包: fixed members, ~size each; trainees and the rural count as calibrated."""
        w, sc = self.w, self.w.scale
        n_t = w.n_teachers
        n_pk = sc.packages or max(1, round(39 * n_t / 1392))
        trainees = sc.package_trainees or round(694 * n_t / 1392)
        rural_ok = np.array([not w.schools[s].urban for s in w.t_school])
        n_rural = min(sc.rural_trainees if sc.rural_trainees is not None else round(trainees * 262 / 694),
                      int(rural_ok.sum()))
        chosen = np.concatenate([rng.choice(np.flatnonzero(rural_ok), n_rural, replace=False),
                                 rng.choice(np.flatnonzero(~rural_ok), trainees - n_rural, replace=False)])
        chosen = chosen[np.lexsort((w.t_school[chosen], w.t_subject[chosen]))]  # subject cohorts
        size = sc.package_size
        target = rng.integers(size - 3, size + 4, n_pk) if size > 6 else np.full(n_pk, size)
        while target.sum() != n_pk * size:  # package sizes vary, their mean is exactly `size`
            k = int(rng.integers(n_pk))
            target[k] += 1 if target.sum() < n_pk * size else -1
        first = np.floor(target * trainees / target.sum()).astype(int)
        first[np.argsort(-(target * trainees / target.sum() - first), kind="stable")[: trainees - first.sum()]] += 1
        groups = np.split(chosen, np.cumsum(first)[:-1])
        members = [set(int(t) for t in g) for g in groups]
        # teachers who join a second package fill the remaining places
        repeaters = rng.choice(chosen, min(int((target - first).sum()), len(chosen)), replace=False)
        ptr = 0
        for t in repeaters.tolist():
            for step in range(n_pk):
                k = (ptr + step) % n_pk
                if len(members[k]) < target[k] and t not in members[k]:
                    members[k].add(t)
                    ptr = k
                    break
        for k, mem in enumerate(members):
            mem = np.array(sorted(mem), dtype=np.int64)
            subj = Counter(int(w.t_subject[t]) for t in mem).most_common(1)[0][0]
            home = Counter(int(w.t_school[t]) for t in mem).most_common(1)[0][0]
            stage = w.schools[home].stage
            theme = THEMES[k % len(THEMES)]
            level = "市培" if k % 4 == 3 else "区培"
            ptype = ["集中面授", "送培上门", "跟岗实践", "集中面授"][k % 4]
            p = Project(next(pid), f"{stage}{SUBJECTS[subj]}{theme}项目包", level, ptype, True,
                        w.schools[home].sourced_id, SUBJECTS[subj], float(rng.choice([24, 36, 48, 60])),
                        int(rng.integers(4, 13)) * 5000, int(rng.integers(3, 16)), mem)
            opening = w.start + dt.timedelta(days=int(k * 14 // n_pk))
            p.sessions.append(Session(opening, "08:30", "11:45", 3.0, 1.0, False))
            p.sessions.append(Session(opening, "14:00", "17:00", 3.0, 0.97, True))
            for j in range(1, 8):
                p.sessions.append(Session(opening + dt.timedelta(days=14 * j), "08:30", "11:45",
                                          float(rng.choice([3.0, 6.0])), 0.9, True))
            self.projects.append(p)

    # ------------------------------------------------------------------ summary figures
    def package_figures(self) -> dict:
        w = self.w
        pk = [p for p in self.projects if p.is_package]
        trainees = np.unique(np.concatenate([p.members for p in pk])) if pk else np.zeros(0, int)
        rural = sum(not w.schools[w.t_home[t]].urban for t in trainees)
        return {"packages": len(pk), "package_mean_size": round(float(np.mean([len(p.members) for p in pk])), 2),
                "package_trainees": int(len(trainees)), "package_trainees_rural": int(rural),
                "package_rural_share": round(rural / max(1, len(trainees)), 4), "projects": len(self.projects)}

    # ------------------------------------------------------------------ one day
    def day(self, day: dt.date, ref_t: np.ndarray) -> dict[str, int]:
        w, ds = self.w, day.isoformat()
        out = self.landing / "training" / ds
        out.mkdir(parents=True, exist_ok=True)
        rng = rng_for(w.seed, "training-day", day.toordinal())
        hrng = rng_for(w.seed, "training-headers", day.toordinal())
        ymd = day.strftime("%Y%m%d")
        signins, surveys = [], []
        for p, k in self.by_day.get(day, []):
            sess = p.sessions[k]
            members = p.members if p.school < 0 else w.school_teachers[p.school]
            present = members[rng.random(len(members)) < sess.attendance * p.online_p]
            for t in present:
                t = int(t)
                late = int(rng.integers(-15, 11))
                h, m = map(int, sess.start.split(":"))
                t_in = max(0, h * 60 + m + late)
                eh, em = map(int, sess.end.split(":"))
                t_out = eh * 60 + em + int(rng.integers(0, 8))
                signins.append([f"QD{ymd}{len(signins) + 1:05d}", w.teacher_id(t), w.tp.full_name(t), p.project_id, ds,
                                f"{t_in // 60:02d}:{t_in % 60:02d}", f"{t_out // 60:02d}:{t_out % 60:02d}",
                                f"{sess.hours:g}"])
                self.history.append((day, t, p.project_id, sess.hours))
                ref_t[t] = True
                if sess.survey and rng.random() < 0.7:
                    rid = f"WJ{ymd}{len(surveys) // len(SURVEY_ITEMS) + 1:05d}"
                    at = t_out + int(rng.integers(5, 61))
                    scores = rng.choice(5, len(SURVEY_ITEMS), p=SURVEY_P) + 1
                    for (code, text), sc in zip(SURVEY_ITEMS, scores):
                        surveys.append([rid, p.project_id, w.teacher_id(t), code, text, str(int(sc)),
                                        f"{ds} {at // 60:02d}:{at % 60:02d}:00"])
        while self.history and self.history[0][0] <= day - dt.timedelta(days=7):
            self.history.popleft()
        audits = self._audits(day, rng, ref_t) if day.weekday() == 4 and is_workday(day) else []

        files = [("projects", "培训项目.xlsx", self._project_rows())]
        fmt = day.toordinal() % 3  # 签到: GB18030 CSV, UTF-8-with-BOM CSV or XLSX
        if signins:
            files.append(("signins", "签到.xlsx" if fmt == 2 else "签到.csv", signins))
        if audits:
            files.append(("credit_audits", "学分审核.xlsx", audits))
        if surveys:
            files.append(("survey_responses", "满意度问卷.xlsx", surveys))
        xlsx = [name for _, name, _ in files if name.endswith(".xlsx")]
        titled = xlsx[day.toordinal() % len(xlsx)]
        counts = Counter()
        for table, name, rows in files:
            cols = COLS[table]
            header = header_variant(TRAINING[table], cols, hrng, 0.3)
            display = f"training/{ds}/{name}"
            if table in self.specs:
                mrng = rng_for(w.seed, "training-mutation", day.toordinal(), table)
                rows = self.log.mutate_rows(self.specs[table], cols, rows, mrng, ds, display, 1)
            if name.endswith(".csv"):
                sink = CsvSink(out / name, header, encoding="gb18030" if fmt == 0 else "utf-8-sig")
                sink.write(rows)
                sink.close()
            else:
                title = None
                if name == titled:
                    title = f"{day.year}年{_season(day)}{TRAINING[table].label_zh}表（导出日期：{ds}）"
                write_xlsx(out / name, header, xlsx_cells(TRAINING[table], cols, rows), title=title)
            counts[table] = len(rows)
        self.totals.update(counts)
        return dict(counts)

    def _project_rows(self) -> list[list[str]]:
        return [[p.project_id, p.name, p.level, p.project_type, "是" if p.is_package else "否", p.base_school,
                 p.subject, f"{p.planned_hours:g}", p.sessions[0].day.isoformat() if p.sessions else "",
                 p.sessions[-1].day.isoformat() if p.sessions else "", str(p.budget), str(p.outputs)]
                for p in self.projects]

    def _audits(self, day, rng, ref_t) -> list[list[str]]:
        """Friday batch: the week's sign-ins per teacher and project."""
        hours: dict[tuple[int, str], float] = {}
        for d, t, pid, h in self.history:
            if d <= day:
                hours[(t, pid)] = hours.get((t, pid), 0.0) + h
        rows = []
        ymd = day.strftime("%Y%m%d")
        for (t, pid), h in sorted(hours.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            r = rng.random()
            result = "通过" if r < 0.9 else "待审核" if r < 0.97 else "不通过"
            approved = h if result != "不通过" else 0.0
            rows.append([f"SH{ymd}{len(rows) + 1:05d}", self.w.teacher_id(t), self.w.tp.id_card(t), pid,
                         f"{min(approved, 200):g}", f"{round(approved * CREDIT_PER_HOUR, 1):g}", result,
                         day.isoformat()])
            ref_t[t] = True
        return rows

    def _specs(self) -> dict[str, TableSpec]:
        w = self.w
        ghost = _nonblank(lambda v, rng: w.ghost_teacher_id(rng))
        return {
            "signins": TableSpec("training", "signins", ("signin_id",), {
                "required": required("hours", "teacher_id", "project_id"),
                "type": {"hours": _nonblank(lambda v, rng: f"{v}学时"), "signin_date": _nonblank(_date_bad)},
                "pattern": {"sign_in_time": _nonblank(lambda v, rng: f"{int(v[:2])}点{v[3:]}"),
                            "sign_out_time": _nonblank(lambda v, rng: v.replace(":", ""))},
                "range": {"hours": _choice("15", "24", "-3")},
                "in_partition_day": {"signin_date": _nonblank(_prev_day)},
                "unknown_reference": {"teacher_id": ghost},
            }),
            "credit_audits": TableSpec("training", "credit_audits", ("audit_id",), {
                "required": required("result", "approved_hours", "teacher_id"),
                "type": {"approved_hours": _nonblank(lambda v, rng: f"{v}h"), "audit_date": _nonblank(_date_bad)},
                "allowed": {"result": _choice("已通过", "退回", "合格")},
                "range": {"approved_hours": _choice("250", "-6"), "approved_credits": _choice("25", "-1")},
                "pattern": {"id_card": _drop_last},
                "in_partition_day": {"audit_date": _nonblank(_prev_day)},
                "unknown_reference": {"teacher_id": ghost},
            }),
            "survey_responses": TableSpec("training", "survey_responses", ("response_id", "item_code"), {
                "required": required("score", "submitted_at", "project_id"),
                "type": {"score": _choice("满意", "4.5", "很好"), "submitted_at": _nonblank(_ts_bad)},
                "range": {"score": _choice("6", "0", "10")},
                "in_partition_day": {"submitted_at": _nonblank(_prev_day)},
                "unknown_reference": {"teacher_id": ghost},
            }),
        }
