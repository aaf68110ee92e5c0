"""District programmes the training system keeps lists of: 项目包 membership (学员名单) and the
annual 验收 of each package, the 信息技术应用能力提升工程2.0 整校推进 school list, and the
区校一体化 course resource library 课程资源库 with its use by teachers.

Calibration: packages and their members are training.py's (district: 39 packages, 694 trainees,
262 rural = 37.75%, seed 002); the rural flag is the trainee's school at the start. The IT-2.0 list
holds 31 schools in the district demo (seed 003): the 27 roster schools (整校推进: every teacher)
and 4 schools outside the smart-platform roster (高中, 职教, 特教, 民办). The library holds 839
courses 入库 (seed 000) besides some rejected or pending ones. Membership, school-list and course
rows are never broken by the defect mutators (only duplicated), so those counts hold in the marts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from transforms.demo.calendar import is_school_day
from transforms.demo.exports import snapshot_day, write_table
from transforms.demo.mutators import MutationLog, TableSpec, _choice, _date_bad, _drop_last, _nonblank, \
    _prev_day, _ts_bad, required
from transforms.demo.training import Training
from transforms.demo.world import SUBJECTS, World, rng_for

IT20_OUTSIDE = {"tiny": 1, "district": 4}
OUTSIDE_NAMES = ["示范区第一高级中学", "示范区职业教育中心", "示范区特殊教育学校", "博雅实验学校", "示范区第二高级中学"]
COURSES = {"tiny": (12, 2, 1), "district": (839, 46, 25)}  # 入库, 未通过, 待评审
COURSE_TOPICS = ["单元整体教学设计", "作业设计与评价", "智慧课堂应用", "课堂观察与诊断", "信息技术与学科融合",
                 "班主任工作艺术", "心理健康辅导", "实验教学创新", "阅读教学策略", "跨学科项目学习"]
ACTIONS = ["浏览", "学习", "下载", "收藏"]


def _scaled(world: World, table: dict, default):
    if world.scale.name in table:
        return table[world.scale.name]
    f = world.n_teachers / 1392
    return tuple(max(1, round(v * f)) for v in default) if isinstance(default, tuple) else max(1, round(default * f))


class Programmes:
    def __init__(self, world: World, landing: Path, log: MutationLog, training: Training):
        self.w, self.landing, self.log, self.training = world, landing, log, training
        self._plan()
        ghost = _nonblank(lambda v, rng: world.ghost_teacher_id(rng))
        self.specs = {
            "package_members": TableSpec("training", "package_members", ("project_id", "teacher_id"), {
                "pattern": {"phone": _drop_last}}),
            "package_assessments": TableSpec("training", "package_assessments", ("project_id", "assessment_year"), {
                "type": {"assessed_on": _nonblank(_date_bad)},
                "range": {"design_score": _choice("30", "-2"), "funds_score": _choice("26", "-5")}}),
            "it20_schools": TableSpec("training", "it20_schools", ("school_code",), {}),
            "resource_courses": TableSpec("training", "resource_courses", ("course_id",), {}),
            "resource_uses": TableSpec("training", "resource_uses", ("use_id",), {
                "required": required("action", "teacher_id"), "type": {"used_at": _nonblank(_ts_bad)},
                "allowed": {"action": _choice("观看", "点赞")}, "range": {"minutes": _choice("900", "-3")},
                "in_partition_day": {"used_at": _nonblank(_prev_day)}, "unknown_reference": {"teacher_id": ghost}}),
        }

    def _plan(self):
        w = self.w
        rng = rng_for(w.seed, "programmes")
        year = w.start.year
        self.packages = [p for p in self.training.projects if p.is_package]
        self.assess = []
        for p in self.packages:
            quality = rng.normal(0, 1)
            scores = [float(np.clip(round(21 + 2.2 * quality + rng.normal(0, 1.5), 1), 8, 25)) for _ in range(4)]
            spent = round(p.budget * float(rng.uniform(0.7, 1.05)))
            self.assess.append([p.project_id, str(year - 1), *[f"{s:g}" for s in scores], str(spent),
                                dt.date(year - 1, 12, int(rng.integers(10, 29))).isoformat()])
        outside = _scaled(w, IT20_OUTSIDE, 4)
        self.it20 = []
        for s in w.schools:
            enrolled = max(1, s.n_teachers - int(rng.integers(0, 3)))
            self.it20.append([s.sourced_id, s.name, enrolled])
        for k in range(outside):
            self.it20.append([f"ext-{k + 1:03d}", OUTSIDE_NAMES[k % len(OUTSIDE_NAMES)] + ("" if k < 5 else str(k)),
                              int(rng.integers(40, 161))])
        rows = []
        for i, (code, name, enrolled) in enumerate(self.it20):
            share = float(np.clip(rng.normal(0.94, 0.05), 0.7, 1.0))
            qualified = int(round(enrolled * share))
            result = "优秀" if share >= 0.97 else "未完成" if share < 0.88 else "合格"
            rows.append([code, name, ["第一批", "第二批", "第三批"][i % 3], "是" if rng.random() < 0.95 else "否",
                         str(enrolled), str(qualified), str(qualified * 3 + int(rng.integers(0, enrolled + 1))),
                         result])
        self.it20_rows = rows
        listed, rejected, pending = _scaled(w, COURSES, COURSES["district"])
        wts = 1.0 + 2.0 * w.t_backbone.astype(float)
        devs = rng.choice(w.n_teachers, listed + rejected + pending, p=wts / wts.sum())
        self.courses = []
        for i, t in enumerate(devs):
            status = "入库" if i < listed else "未通过" if i < listed + rejected else "待评审"
            stage = w.schools[int(w.t_home[t])].stage
            day = w.start - dt.timedelta(days=int(rng.integers(20, 700)))
            inside = rng.random() < 0.85  # the rest were developed by 教研员 outside the school roster
            self.courses.append([f"KC{i + 1:04d}", f"{COURSE_TOPICS[i % len(COURSE_TOPICS)]}（{SUBJECTS[int(w.t_subject[t])]}）",
                                 SUBJECTS[int(w.t_subject[t])], stage if rng.random() < 0.8 else "通用",
                                 w.teacher_id(int(t)) if inside else "", w.tp.full_name(int(t)) if inside else "",
                                 status, f"{int(rng.choice([4, 6, 8, 10, 12]))}",
                                 day.isoformat() if status == "入库" else ""])
        self.listed = np.array([i for i in range(len(self.courses)) if self.courses[i][6] == "入库"])
        pop = 1.0 / np.arange(1, len(self.listed) + 1) ** 0.8  # a few courses are popular
        self.course_p = pop / pop.sum()
        self.users = np.clip(rng.beta(1.2, 6, w.n_teachers), 0, 0.8)  # daily chance a teacher opens the library

    def day(self, day: dt.date, ref_t: np.ndarray) -> dict[str, int]:
        w, tp = self.w, self.w.tp
        args = (self.landing, self.log, w.seed, day)
        out = {}
        if snapshot_day(day, w.start):
            members = []
            for p in self.packages:
                joined = p.sessions[0].day - dt.timedelta(days=14) if p.sessions else w.start
                for t in p.members:
                    t = int(t)
                    home = w.schools[int(w.t_home[t])]
                    members.append([p.project_id, w.teacher_id(t), tp.full_name(t), tp.phone_text(t), p.base_school,
                                    home.sourced_id, "否" if home.urban else "是", joined.isoformat()])
                    ref_t[t] = True
            for c in self.courses:
                if c[4]:
                    ref_t[int(c[4][4:]) - 1] = True
            out["package_members"] = write_table(*args, "package_members", members, self.specs["package_members"],
                                                 may_break=lambda i: False)
            out["package_assessments"] = write_table(*args, "package_assessments", [list(r) for r in self.assess],
                                                     self.specs["package_assessments"])
            out["it20_schools"] = write_table(*args, "it20_schools", [list(r) for r in self.it20_rows],
                                              self.specs["it20_schools"], may_break=lambda i: False)
            out["resource_courses"] = write_table(*args, "resource_courses", [list(r) for r in self.courses],
                                                  self.specs["resource_courses"], may_break=lambda i: False)
        uses = self._uses(day, ref_t)
        if uses:
            out["resource_uses"] = write_table(*args, "resource_uses", uses, self.specs["resource_uses"])
        return out

    def _uses(self, day: dt.date, ref_t) -> list[list[str]]:
        w = self.w
        rng = rng_for(w.seed, "library", day.toordinal())
        factor = 1.0 if is_school_day(day) else 0.3
        who = np.flatnonzero(rng.random(w.n_teachers) < self.users * factor)
        rows = []
        ymd = day.strftime("%Y%m%d")
        for t in who:
            c = self.courses[int(self.listed[int(rng.choice(len(self.listed), p=self.course_p))])]
            action = ACTIONS[int(rng.choice(4, p=[.45, .35, .15, .05]))]
            minutes = {"浏览": int(rng.integers(1, 10)), "学习": int(rng.integers(10, 61))}.get(action)
            at = int(rng.integers(7 * 60, 23 * 60))
            rows.append([f"ZY{ymd}{len(rows) + 1:05d}", c[0], w.teacher_id(int(t)), action,
                         f"{day.isoformat()} {at // 60:02d}:{at % 60:02d}:00", "" if minutes is None else str(minutes)])
            ref_t[int(t)] = True
        return rows

    def figures(self) -> dict:
        return {"it20_schools": len(self.it20_rows), "it20_teachers": sum(int(r[4]) for r in self.it20_rows),
                "library_courses_listed": int(len(self.listed)), "library_courses": len(self.courses)}
