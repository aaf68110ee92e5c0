"""The research-management export (课题管理): topics 课题立项 with their 1+N groups, members 课题成员,
process milestones 课题节点 (申报备案 → 开题论证 → 中期检查 → 结题鉴定) and outputs 课题成果.

Calibration (seed 000: a 1+N topic guide of ~300 topics; seed 004: the four milestones): the
district demo holds exactly 300 topics, by current stage 45 / 70 / 105 / 80 (申报备案 / 开题论证 /
中期检查 / 结题鉴定); other scales scale 300 by teachers / 1,392. About one topic in eight has its
next milestone overdue on the first generated day. Topic rows are never broken by the defect
mutators (only duplicated), so the marts reproduce the stage counts exactly."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from transforms.demo.exports import snapshot_day, write_table
from transforms.demo.mutators import MutationLog, TableSpec, _choice, _date_bad, _drop_last, _nonblank, required
from transforms.demo.world import SUBJECTS, World, rng_for

STAGES = ["申报备案", "开题论证", "中期检查", "结题鉴定"]
OFFSET_DAYS = [0, 90, 365, 730]  # each milestone's due date after approval
TOPICS_BY_STAGE = {"tiny": (2, 2, 2, 2), "district": (45, 70, 105, 80)}
LEVELS = ["国家级", "省级", "市级", "区级", "校级"]
LEVEL_P = [0.01, 0.07, 0.2, 0.5, 0.22]
THEMES = ["大单元教学", "作业设计", "智慧课堂", "五学课堂", "跨学科主题学习", "课堂提问", "学习评价", "真实情境",
          "整本书阅读", "实验探究", "劳动教育", "心理健康教育", "家校共育", "数智循证教研"]
OUTPUT_TYPES = ["论文", "课例", "研究报告", "教学资源", "专著"]
AWARDS = ["无", "校级", "区级", "市级", "省级", "国家级"]


def topic_counts(world: World) -> tuple[int, ...]:
    if world.scale.name in TOPICS_BY_STAGE:
        return TOPICS_BY_STAGE[world.scale.name]
    f = world.n_teachers / 1392
    return tuple(max(1, round(n * f)) for n in TOPICS_BY_STAGE["district"])


class Research:
    def __init__(self, world: World, landing: Path, log: MutationLog):
        self.w, self.landing, self.log = world, landing, log
        self._plan()
        ghost = _nonblank(lambda v, rng: world.ghost_teacher_id(rng))
        self.specs = {
            "research_topics": TableSpec("training", "research_topics", ("topic_id",), {
                "required": required("stage"), "allowed": {"level": _choice("县级", "国家")}}),
            "topic_members": TableSpec("training", "topic_members", ("topic_id", "member_id"), {
                "required": required("member_role"), "allowed": {"member_role": _choice("组长", "成员")},
                "pattern": {"id_card": _drop_last}, "unknown_reference": {"member_id": ghost}}),
            "topic_milestones": TableSpec("training", "topic_milestones", ("topic_id", "milestone"), {
                "required": required("due_date"), "type": {"done_date": _nonblank(_date_bad)},
                "allowed": {"review_result": _choice("合格", "待定")}}),
            "topic_outputs": TableSpec("training", "topic_outputs", ("output_id",), {
                "required": required("output_type"), "type": {"output_date": _nonblank(_date_bad)},
                "allowed": {"award_level": _choice("一等奖", "县级")}}),
        }

    def _plan(self):
        w = self.w
        rng = rng_for(w.seed, "research")
        start = w.start
        counts = topic_counts(w)
        wts = 1.0 + 2.0 * w.t_backbone.astype(float)
        n = sum(counts)
        leaders = rng.choice(w.n_teachers, min(n, w.n_teachers), replace=False, p=wts / wts.sum())
        self.topics, self.members, self.milestones, self.outputs = [], [], [], []
        k = 0
        for stage, cnt in enumerate(counts):
            for _ in range(cnt):
                t = int(leaders[k % len(leaders)])
                k += 1
                overdue = stage < 3 and rng.random() < 0.125
                if stage == 3:
                    back = int(rng.integers(OFFSET_DAYS[3] + 10, OFFSET_DAYS[3] + 400))
                elif overdue:
                    back = OFFSET_DAYS[stage + 1] + int(rng.integers(5, 60))
                else:
                    back = int(rng.integers(OFFSET_DAYS[stage] + 10, OFFSET_DAYS[stage + 1]))
                approved = start - dt.timedelta(days=back)
                level = LEVELS[int(rng.choice(5, p=LEVEL_P))]
                category = "规划课题" if level in ("国家级", "省级") else "小课题" if level == "校级" else \
                    ["规划课题", "专项课题", "小课题"][int(rng.integers(3))]
                school = w.schools[int(w.t_home[t])]
                subj = SUBJECTS[int(w.t_subject[t])]
                tid = f"KT{approved.year}{k:04d}"
                self.topics.append(dict(topic_id=tid, name=f"{school.stage}{subj}{THEMES[k % len(THEMES)]}的实践研究",
                                        level=level, category=category, leader=t, school=school.sourced_id,
                                        subject=subj, stage=stage, approved=approved, group="", role=""))
                for m, off in enumerate(OFFSET_DAYS):
                    due = approved + dt.timedelta(days=off)
                    done, review = "", ""
                    if m <= stage:
                        d = min(due + dt.timedelta(days=int(rng.integers(-10, 25))), start - dt.timedelta(days=1))
                        done, review = max(d, approved).isoformat(), "通过" if rng.random() < 0.95 else "限期整改"
                    self.milestones.append([tid, STAGES[m], due.isoformat(), done, review])
                same = w.school_teachers[school.idx]
                others = rng.choice(same[same != t], min(len(same) - 1, int(rng.integers(2, 7))), replace=False)
                self.members.append((tid, t, "主持人"))
                for j, o in enumerate(others):
                    self.members.append((tid, int(o), "核心成员" if j < 2 else "参与成员"))
                n_out = 0 if stage < 2 else int(rng.integers(0, 3)) if stage == 2 else int(rng.integers(2, 7))
                for j in range(n_out):
                    award = AWARDS[int(rng.choice(6, p=[0.45, 0.15, 0.2, 0.12, 0.06, 0.02]))]
                    day = min(approved + dt.timedelta(days=int(rng.integers(120, max(121, back)))),
                              start - dt.timedelta(days=1))
                    self.outputs.append([f"CG{tid[2:]}{j + 1:02d}", tid, OUTPUT_TYPES[int(rng.integers(5))],
                                         f"{self.topics[-1]['name']}成果{j + 1}", award, day.isoformat()])
        # 1+N groups: a 市级/区级 lead topic with sub-topics of the same subject area
        n_groups = max(1, round(n * 0.08))
        order = rng.permutation(len(self.topics))
        leads = ([i for i in order if self.topics[i]["level"] in ("市级", "区级")] or list(order))[:n_groups]
        for g, i in enumerate(leads):
            self.topics[i]["group"], self.topics[i]["role"] = f"KTQ{g + 1:03d}", "主课题"
        rest = [i for i in order if not self.topics[i]["group"]]
        for i in rest[: int(len(rest) * 0.55)]:
            g = int(rng.integers(len(leads)))
            self.topics[i]["group"], self.topics[i]["role"] = f"KTQ{g + 1:03d}", "子课题"
        self.conclusion = {t["topic_id"]: (["优秀", "良好", "合格", "不合格"][int(rng.choice(4, p=[.2, .4, .35, .05]))]
                                           if t["stage"] == 3 else "") for t in self.topics}

    def day(self, day: dt.date, ref_t: np.ndarray) -> dict[str, int]:
        if not snapshot_day(day, self.w.start):
            return {}
        w, tp = self.w, self.w.tp
        topics = []
        for t in self.topics:
            end = t["approved"] + dt.timedelta(days=OFFSET_DAYS[3])
            topics.append([t["topic_id"], t["name"], t["level"], t["category"], t["group"], t["role"],
                           w.teacher_id(t["leader"]), tp.full_name(t["leader"]), tp.phone_text(t["leader"]),
                           t["school"], t["subject"], STAGES[t["stage"]], t["approved"].isoformat(), end.isoformat(),
                           self.conclusion[t["topic_id"]]])
            ref_t[t["leader"]] = True
        members = []
        for tid, t, role in self.members:
            members.append([tid, w.teacher_id(t), tp.full_name(t), tp.id_card(t), role])
            ref_t[t] = True
        args = (self.landing, self.log, w.seed, day)
        return {
            "research_topics": write_table(*args, "research_topics", topics, self.specs["research_topics"],
                                           may_break=lambda i: False),
            "topic_members": write_table(*args, "topic_members", members, self.specs["topic_members"]),
            "topic_milestones": write_table(*args, "topic_milestones", [list(r) for r in self.milestones],
                                            self.specs["topic_milestones"]),
            "topic_outputs": write_table(*args, "topic_outputs", [list(r) for r in self.outputs],
                                         self.specs["topic_outputs"]),
        }

    def figures(self) -> dict:
        return {"topics": len(self.topics),
                "topics_by_stage": {s: sum(t["stage"] == i for t in self.topics) for i, s in enumerate(STAGES)},
                "topic_groups": len({t["group"] for t in self.topics if t["group"]})}
