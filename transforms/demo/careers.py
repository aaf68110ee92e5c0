"""Teacher careers and their paper trail: the 教师发展档案 (hire date / 教龄, 教师资格 and its
periodic registration, 骨干 recognition and reviews, new-teacher probation 试用期), the 历年学时
archive (学时 recognised before the generated window, so the 360-学时 five-year cycle has a history)
and the three ledgers 三本台账 (学习计划 / 能力成长 / 工作实践) teachers keep day by day.

Calibration (seed 003 reports a district of ~5,800 teachers: 骨干 年度考核 616, 周期考核 136,
new 区级骨干 205, 教师资格注册 202): the demo scales these counts by its teachers / 5,800
(district: 148 / 33 / 49 / 48); the rows carrying those facts are only ever duplicated by the
defect mutators, so the marts reproduce the counts. 教师资格认定 (635) certifies applicants, mostly not yet teachers,
so it has no roster counterpart and is not generated."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from transforms.demo.calendar import is_school_day
from transforms.demo.exports import snapshot_day, write_table
from transforms.demo.mutators import MutationLog, TableSpec, _choice, _date_bad, _drop_last, _nonblank, \
    _prev_day, required
from transforms.demo.world import BACKBONE, World, rng_for

SEED_DISTRICT_TEACHERS = 5800
SEED_CAREER = {"annual_reviews": 616, "cycle_reviews": 136, "new_backbone": 205, "registrations": 202}
CERT = {"幼儿园": "幼儿园", "小学": "小学", "初中": "初级中学"}
YEARLY_HOURS = 72.0  # 360 学时 / 5 years
PLAN_TEXT = ["制定本年度个人研修计划", "确定专业发展目标与研修重点", "规划学期听课与读书任务"]
GROWTH_TEXT = ["完成一节研究课并撰写反思", "读书笔记与学习心得", "参加区级教研活动的收获", "课例打磨前后对比",
               "微能力点作品提交"]
PRACTICE_TEXT = ["作业设计与批改记录", "听评课记录与改进措施", "校本研修活动记录", "课堂观察量表应用",
                 "学情分析与分层辅导记录", "公开课教学设计"]


def career_targets(world: World) -> dict[str, int]:
    f = world.n_teachers / SEED_DISTRICT_TEACHERS
    return {k: max(1, round(v * f)) for k, v in SEED_CAREER.items()}


class Careers:
    def __init__(self, world: World, landing: Path, log: MutationLog):
        self.w, self.landing, self.log = world, landing, log
        self._plan()
        ghost = _nonblank(lambda v, rng: world.ghost_teacher_id(rng))
        self.specs = {
            "teacher_careers": TableSpec("training", "teacher_careers", ("teacher_id",), {
                "required": required("hire_date"), "type": {"probation_hours": _nonblank(lambda v, rng: f"{v}学时")},
                "allowed": {"annual_review": _choice("良好", "称职")}, "pattern": {"phone": _drop_last,
                                                                             "id_card": _drop_last}}),
            "hour_archive": TableSpec("training", "hour_archive", ("teacher_id", "credit_year"), {
                "type": {"recognised_hours": _nonblank(lambda v, rng: f"{v}h")},
                "range": {"recognised_hours": _choice("999", "-8")}, "pattern": {"id_card": _drop_last}}),
            "ledger_entries": TableSpec("training", "ledger_entries", ("entry_id",), {
                "required": required("ledger", "teacher_id"), "type": {"entry_date": _nonblank(_date_bad)},
                "allowed": {"ledger": _choice("成长记录", "读书笔记")}, "range": {"attachments": _choice("99", "-1")},
                "in_partition_day": {"entry_date": _nonblank(_prev_day)}, "unknown_reference": {"teacher_id": ghost}}),
        }

    def _plan(self):
        w = self.w
        rng = rng_for(w.seed, "careers")
        n, year = w.n_teachers, w.start.year
        age = year - np.array([w.tp.birth_year(i) for i in range(n)])
        self.hire = [dt.date(int(w.t_hire[t]), 8, 25 + int(rng.integers(0, 7))) for t in range(n)]
        self.new_hire = age <= 23  # this year's graduates: on probation now
        for t in np.flatnonzero(self.new_hire):
            self.hire[t] = dt.date(year, 8, 25 + int(rng.integers(0, 7)))
        target = career_targets(w)
        backbone = w.t_backbone.astype(int)
        self.backbone_year = np.where(backbone > 0, rng.integers(year - 9, year, n), 0)
        new = rng.choice(np.flatnonzero(backbone == 2), min(target["new_backbone"], int((backbone == 2).sum())),
                         replace=False)  # this year's batch of 区级骨干
        self.backbone_year[new] = year
        older = np.setdiff1d(np.flatnonzero(backbone > 0), new)  # every 骨干 recognised before is reviewed yearly
        reviewed = rng.choice(older, min(target["annual_reviews"], len(older)), replace=False)
        self.annual = np.full(n, "", object)
        self.annual[backbone > 0] = "未考核"
        self.annual[reviewed] = rng.choice(["优秀", "合格", "不合格"], len(reviewed), p=[.2, .76, .04])
        self.cycle = np.full(n, "", object)
        self.cycle[backbone > 0] = "未到期"
        cyc = rng.choice(reviewed, min(target["cycle_reviews"], len(reviewed)), replace=False)
        self.cycle[cyc] = rng.choice(["合格", "不合格"], len(cyc), p=[.93, .07])
        self.registration = np.where(rng.random(n) < 0.01, "暂缓注册", "已注册").astype(object)
        reg = rng.choice(np.flatnonzero(~self.new_hire), target["registrations"], replace=False)
        self.registration[reg] = "本年注册"
        self.registration[self.new_hire] = ""
        self.cert_year = np.array([h.year - int(rng.integers(0, 2)) for h in self.hire])
        self.no_cert = self.new_hire & (rng.random(n) < 0.1)  # waiting for 资格认定
        self.probation_hours = np.round(rng.uniform(0, 40, n))  # first weeks of the 120-学时 probation year
        # yearly 学时 before the window: a steady propensity per teacher, so some are behind
        self.propensity = np.clip(rng.normal(1.0, 0.3, n), 0.2, 1.8)
        self.archive_noise = rng.uniform(0.8, 1.2, (n, 6))
        # rows carrying a calibrated fact are only ever duplicated by the defect mutators, so the marts
        # reproduce the counts exactly; the other rows take every kind of defect
        self.calibrated = (np.isin(self.annual, ["优秀", "合格", "不合格"]) | np.isin(self.cycle, ["合格", "不合格"])
                           | (self.backbone_year == year) | (self.registration == "本年注册") | self.new_hire)
        self.writes = np.clip(rng.beta(2, 5, n), 0.02, 0.9)  # how diligently a teacher keeps the ledgers

    def day(self, day: dt.date, ref_t: np.ndarray) -> dict[str, int]:
        out = {}
        if snapshot_day(day, self.w.start):
            careers, archive = self._snapshots(ref_t)
            args = (self.landing, self.log, self.w.seed, day)
            out["teacher_careers"] = write_table(*args, "teacher_careers", careers, self.specs["teacher_careers"],
                                                 may_break=lambda i: not self.calibrated[i])
            out["hour_archive"] = write_table(*args, "hour_archive", archive, self.specs["hour_archive"])
        rows = self._ledger(day, ref_t)
        if rows:
            out["ledger_entries"] = write_table(self.landing, self.log, self.w.seed, day, "ledger_entries", rows,
                                                self.specs["ledger_entries"])
        return out

    def _snapshots(self, ref_t):
        w, tp, year = self.w, self.w.tp, self.w.start.year
        careers, archive = [], []
        first_cycle_year = 2021
        through_now = w.start - dt.timedelta(days=1)
        share_now = (through_now - dt.date(year, 1, 1)).days / 365.0
        for t in range(w.n_teachers):
            stage = w.schools[int(w.t_home[t])].stage
            b = int(w.t_backbone[t])
            new = bool(self.new_hire[t])
            p_start = self.hire[t] if new else None
            careers.append([
                w.teacher_id(t), tp.full_name(t), tp.id_card(t), tp.phone_text(t), self.hire[t].isoformat(),
                "无" if self.no_cert[t] else CERT[stage], "" if self.no_cert[t] else str(int(self.cert_year[t])),
                self.registration[t], BACKBONE[b], str(int(self.backbone_year[t])) if b else "",
                self.annual[t], self.cycle[t],
                p_start.isoformat() if new else "", (p_start + dt.timedelta(days=365)).isoformat() if new else "",
                f"{self.probation_hours[t]:g}" if new else "", "进行中" if new else ""])
            ref_t[t] = True
            for k, y in enumerate(range(max(first_cycle_year, self.hire[t].year), year + 1)):
                share = share_now if y == year else 1.0
                if y == self.hire[t].year and y < year:
                    share *= 0.4  # hired in late August
                if y == year and new:
                    continue
                hours = round(float(np.clip(YEARLY_HOURS * self.propensity[t] * self.archive_noise[t, k % 6]
                                            * share, 0, 150)), 1)
                through = through_now if y == year else dt.date(y, 12, 31)
                archive.append([w.teacher_id(t), tp.id_card(t), str(y), through.isoformat(), f"{hours:g}",
                                f"{round(hours / 10, 2):g}"])
        return careers, archive

    def _ledger(self, day: dt.date, ref_t) -> list[list[str]]:
        w = self.w
        rng = rng_for(w.seed, "ledger", day.toordinal())
        rows = []
        offset = (day - w.start).days
        plan_day = np.arange(w.n_teachers) % 12  # each teacher files the year's plan in the first fortnight
        school = is_school_day(day)
        ymd = day.strftime("%Y%m%d")
        draws = rng.random((w.n_teachers, 2))
        for t in range(w.n_teachers):
            kinds = []
            if offset == plan_day[t] and day.year == w.start.year:
                kinds.append(("学习计划", PLAN_TEXT))
            if school and draws[t, 0] < 0.15 * self.writes[t] * 2:
                kinds.append(("工作实践", PRACTICE_TEXT))
            if school and draws[t, 1] < 0.05 * self.writes[t] * 2:
                kinds.append(("能力成长", GROWTH_TEXT))
            for ledger, texts in kinds:
                rows.append([f"TZ{ymd}{len(rows) + 1:05d}", w.teacher_id(t), ledger, day.isoformat(),
                             texts[int(rng.integers(len(texts)))], str(int(rng.integers(0, 4)))])
                ref_t[t] = True
        return rows

    def figures(self) -> dict:
        return {"new_teachers_on_probation": int(self.new_hire.sum()),
                "backbone_annual_reviews": int(np.isin(self.annual, ["优秀", "合格", "不合格"]).sum()),
                "backbone_cycle_reviews": int(np.isin(self.cycle, ["合格", "不合格"]).sum()),
                "backbone_new": int((self.backbone_year == self.w.start.year).sum()),
                "certificate_registrations": int((self.registration == "本年注册").sum())}
