"""The smart-education platform's daily exports, generated and written school by school:

- lesson_sessions.csv — smart-classroom lessons (school days only, capped by each school's rooms);
- statements.jsonl — xAPI: answered (in-class questions), assigned / submitted / graded (homework),
  scored (quizzes), experienced (self-study), uploaded / downloaded (teacher resources);
- observations.csv — 听评课 rubric rows (Q1 Q2 问题, C1 C2 情境, A1 A2 A3 活动, D1 D2 数字, E1 E2 评价) with
  the observation type (推门课/公开课/研究课…), the evaluator's role (教研员/校领导/同伴/自评) and the
  rubric version in force for the teacher's 学段 and subject on that day (seeds/rubric_versions.csv);
  teachers are observed at the rate the district policy owes them by title
  (seeds/observation_expectations.csv), schools fulfilling it unevenly;
- student_evaluations.csv — anonymous student 评教 questionnaires (grades 3+; items SQ SC SA SD SE).

Object IRIs: http://wudu.local/question/<session>-Q<k>, /homework/<assignment>,
/homework/<assignment>/submission/<student> (graded), /assessment/<quiz>, /course/<course>,
/resource/<resource>. Events that happen after the day they were caused on (late submissions,
grading after 24-48 h) are written into their own day's file."""
from __future__ import annotations

import datetime as dt
import json
import zlib
from collections import Counter, deque
from pathlib import Path

import numpy as np

from transforms.contracts import load_contracts
from transforms.demo.calendar import is_school_day, next_school_day
from transforms.demo.mutators import MutationLog, TableSpec, _choice, _date_bad, _nonblank, _prev_day, _ts_bad, required
from transforms.demo.world import SUBJECTS, World, rng_for
from transforms.seed_tables import load_seed
from transforms.demo.writers import CsvSink, JsonlSink, header_variant

PLATFORM = load_contracts()["platform"].tables
LESSON_COLS = [c.name for c in PLATFORM["lesson_sessions"].columns]
OBS_COLS = [c.name for c in PLATFORM["observations"].columns]
SEVAL_COLS = [c.name for c in PLATFORM["student_evaluations"].columns]

PERIODS = [8 * 3600, 8 * 3600 + 55 * 60, 9 * 3600 + 50 * 60, 10 * 3600 + 45 * 60, 14 * 3600,
           14 * 3600 + 55 * 60, 15 * 3600 + 50 * 60]
# lessons per class per school day, by subject index
LESSON_FREQ = np.array([1.0, 1.0, 0.8, 0.6, 0.6, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 1.0])
HOMEWORK_P = {"语文": .75, "数学": .75, "英语": .5, "科学": .25, "物理": .5, "化学": .5, "生物": .3, "历史": .3}
# expected minutes of one assignment: primary grades 3-6 / junior grades 7-9
HOMEWORK_MIN = {"语文": (20, 18), "数学": (20, 20), "英语": (12, 15), "科学": (10, 10), "物理": (12, 12),
                "化学": (10, 10), "生物": (10, 10), "历史": (10, 10)}
WRITTEN_LIMIT = {1: 0, 2: 0, 3: 60, 4: 60, 5: 60, 6: 60, 7: 90, 8: 90, 9: 90}  # 双减 minutes per day
DIGITAL_TOOLS = ["交互式白板", "学生平板", "实物投屏", "即时测验", "虚拟实验", "电子书包", "AI作业批改", "分组讨论板"]
INDICATOR_EFFECT = {"Q1": 0.1, "Q2": -0.1, "C1": 0.0, "C2": -0.2, "A1": 0.1, "A2": -0.1, "A3": -0.3, "D1": 0.2,
                    "D2": -0.1, "E1": 0.0, "E2": -0.2}
# who observes (share) and which lesson types they see; leniency = how much higher they score
EVALUATORS = [("教研员", 0.30), ("校领导", 0.20), ("同伴", 0.40), ("自评", 0.10)]
OBS_TYPES = {"教研员": (["研究课", "推门课", "公开课"], [0.4, 0.4, 0.2]), "校领导": (["推门课", "常态课"], [0.7, 0.3]),
             "同伴": (["常态课", "公开课", "研究课"], [0.5, 0.3, 0.2]), "自评": (["常态课"], [1.0])}
LENIENCY = {"教研员": 0.0, "校领导": 0.1, "同伴": 0.2, "自评": 0.6, "公开课": 0.2, "示范课": 0.3, "汇报课": 0.0,
            "研究课": 0.1, "推门课": -0.1, "常态课": 0.0}
ACTIVITY_FORMS = ["小组合作", "展示交流", "实验探究", "角色扮演", "项目式学习", "辩论", "游戏化学习", "跨学科任务"]
SEVAL_ITEMS = {"SQ": 0.0, "SC": -0.2, "SA": 0.1, "SD": 0.0, "SE": -0.1}
COMMENTS = {
    "Q": ["问题设计有梯度，能引发深度思考", "核心问题明确，追问到位", "提问偏多偏碎，思维含量不足"],
    "C": ["情境贴近学生生活，导入自然", "情境与任务结合紧密", "情境创设较牵强，与内容衔接不够"],
    "A": ["小组合作分工明确，学生参与度高", "活动形式多样，展示充分", "活动时间不足，学生讨论不充分"],
    "D": ["平板即时反馈用得好，数据驱动调整教学", "数字资源使用恰当", "技术使用流于形式，实效不明显"],
    "E": ["评价及时具体，关注过程", "多元评价，学生互评有效", "评价语言单一，针对性不强"],
}
FEEDBACK = [["书写工整，思路清晰，继续保持", "全对，方法简洁", "完成质量高，有自己的思考"],
            ["整体不错，注意计算细节", "步骤完整，个别地方再检查", "有进步，订正错题"],
            ["基础题错误较多，请订正后重交", "审题不仔细，多读题", "书写需认真，课后找老师面批"]]
XAPI = "http://wudu.local/xapi/"
UPLOADS_PER_TEACHER_DAY = 22976 / 1392 / 234   # the district's yearly figures over ~234 school-day equivalents
DOWNLOADS_PER_TEACHER_DAY = 37327 / 1392 / 234
WEEKEND_ACTIVITY = 0.25


def _dur(seconds: float) -> str:
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{sec}S" if sec or s == 0 else "")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class Statements:
    """xAPI statement lines for one (day, school); ids are UUID-shaped and unique per seed."""

    def __init__(self, seed: int, day: dt.date, school: int):
        self.day = day
        self.ds = day.isoformat()
        self.prefix = f"{seed & 0xFFFFFFFF:08x}-{school & 0xFFFF:04x}-4{day.toordinal() % 4096:03x}-8"
        self.n = 0
        self.lines: list[str] = []
        self.later: list[tuple[int, str, int, str]] = []  # (day offset, kind, person, line)
        self.verbs: Counter = Counter()

    def add(self, actor: str, verb: str, obj: str, otype: str, secs: float, result: str, ext: str,
            kind: str = "", person: int = -1) -> None:
        self.n += 1
        secs = int(secs)
        offset, secs = divmod(secs, 86400)
        day = self.ds if offset == 0 else (self.day + dt.timedelta(days=offset)).isoformat()
        ts = f"{day}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}+08:00"
        line = (f'{{"id":"{self.prefix}{self.n >> 48 & 0xFFF:03x}-{self.n & 0xFFFFFFFFFFFF:012x}",'
                f'"actor":{{"objectType":"Agent","account":{{"homePage":"http://wudu.local","name":"{actor}"}}}},'
                f'"verb":{{"id":"http://adlnet.gov/expapi/verbs/{verb}"}},'
                f'"object":{{"id":"http://wudu.local/{obj}",'
                f'"definition":{{"type":"http://wudu.local/activitytype/{otype}"}}}},'
                f'{result}"context":{{"extensions":{{{ext}}}}},"timestamp":"{ts}"}}')
        if offset:
            self.later.append((offset, kind, person, line))
        else:
            self.lines.append(line)
            self.verbs[verb] += 1


class Platform:
    def __init__(self, world: World, landing: Path, log: MutationLog, compress: bool = False):
        self.w, self.landing, self.log = world, landing, log
        self.statements_name = "statements.jsonl.gz" if compress else "statements.jsonl"
        w = world
        rng = rng_for(w.seed, "resources")
        # resources uploaded before the first day, so downloads have something to reuse at once
        n0 = max(50, w.n_teachers // 4)
        owners = rng.integers(0, w.n_teachers, n0)
        self.pool: deque = deque(((f"res-base-{k + 1:06d}", int(t), int(w.t_subject[t])) for k, t in enumerate(owners)),
                                 maxlen=max(5000, w.n_teachers * 4))
        # events due on a later day, per day and school: (kinds, persons, zlib-compressed lines)
        self.pending: dict[dt.date, dict[int, list[tuple[bytes, np.ndarray, bytes]]]] = {}
        self.class_ext = [self._class_ext(c) for c in range(len(w.c_section))] if len(w.c_section) < 200_000 else None
        self.totals: Counter = Counter()
        self.breach = Counter()
        self.lesson_spec, self.obs_spec, self.seval_spec, self.xapi_mut = self._specs()
        self._rubrics: dict = {}
        term = w.term
        self.term_school_days = sum(is_school_day(term.start + dt.timedelta(days=i))
                                    for i in range((term.end - term.start).days + 1))

    def _class_ext(self, c: int) -> str:
        w = self.w
        return (f'"{XAPI}class":"{w.class_id(c)}","{XAPI}school":"{w.schools[w.c_school[c]].sourced_id}",'
                f'"{XAPI}course":"{w.course_id(c)}","{XAPI}subject":"{SUBJECTS[w.c_subject[c]]}"')

    def ext(self, c: int) -> str:
        return self.class_ext[c] if self.class_ext is not None else self._class_ext(c)

    # ------------------------------------------------------------------ one day
    def day(self, day: dt.date, ref_t: np.ndarray, ref_s: np.ndarray) -> dict[str, int]:
        w, ds = self.w, day.isoformat()
        school_day = is_school_day(day)
        out = self.landing / "platform" / ds
        hrng = rng_for(w.seed, "platform-headers", day.toordinal())
        statements = JsonlSink(out / self.statements_name)
        lessons = CsvSink(out / "lesson_sessions.csv",
                          header_variant(PLATFORM["lesson_sessions"], LESSON_COLS, hrng, 0.1)) if school_day else None
        obs = CsvSink(out / "observations.csv",
                      header_variant(PLATFORM["observations"], OBS_COLS, hrng, 0.3)) if school_day else None
        sevals = CsvSink(out / "student_evaluations.csv",
                         header_variant(PLATFORM["student_evaluations"], SEVAL_COLS, hrng, 0.3)) if school_day else None
        pending = self.pending.pop(day, {})
        counts = Counter()
        for s in w.schools:
            st = Statements(w.seed, day, s.idx)
            for kinds, persons, blob in pending.get(s.idx, []):
                lines = zlib.decompress(blob).decode("utf-8").split("\n")
                for kind, person, line in zip(kinds.decode(), persons.tolist(), lines):
                    if kind == "s" and not w.s_active[person]:
                        continue  # the student has left: no more events
                    (ref_s if kind == "s" else ref_t)[person] = True
                    st.lines.append(line)
                    st.verbs["submitted" if kind == "s" else "graded"] += 1
            lesson_rows, obs_rows, seval_rows = self._school_day(s, day, school_day, st, ref_t, ref_s)
            by_offset: dict[int, list] = {}
            for item in st.later:
                by_offset.setdefault(item[0], []).append(item)
            for offset, items in sorted(by_offset.items()):
                self.pending.setdefault(day + dt.timedelta(days=offset), {}).setdefault(s.idx, []).append(
                    ("".join(k for _, k, _, _ in items).encode(), np.array([p for _, _, p, _ in items], np.int32),
                     zlib.compress("\n".join(x for _, _, _, x in items).encode("utf-8"), 1)))
            mrng = rng_for(w.seed, "platform-mutation", day.toordinal(), s.idx)
            if lessons is not None and lesson_rows:
                lessons.write(self.log.mutate_rows(self.lesson_spec, LESSON_COLS, lesson_rows, mrng, ds,
                                                   f"platform/{ds}/lesson_sessions.csv", lessons.records + 1))
            if obs is not None and obs_rows:
                obs.write(self.log.mutate_rows(self.obs_spec, OBS_COLS, obs_rows, mrng, ds,
                                               f"platform/{ds}/observations.csv", obs.records + 1))
            if sevals is not None and seval_rows:
                sevals.write(self.log.mutate_rows(self.seval_spec, SEVAL_COLS, seval_rows, mrng, ds,
                                                  f"platform/{ds}/student_evaluations.csv", sevals.records + 1))
            statements.write(self.log.mutate_lines(self.xapi_mut, "statement_id", st.lines, mrng, ds,
                                                   f"platform/{ds}/{self.statements_name}", statements.records + 1))
            counts.update(st.verbs)
            counts["lesson_sessions"] += len(lesson_rows)
            counts["observation_rows"] += len(obs_rows)
            counts["student_evaluation_rows"] += len(seval_rows)
        for sink in (statements, lessons, obs, sevals):
            if sink is not None:
                sink.close()
        for path, sink in ((out / "lesson_sessions.csv", lessons), (out / "observations.csv", obs),
                           (out / "student_evaluations.csv", sevals), (out / self.statements_name, statements)):
            if sink is not None and sink.records == 0:
                path.unlink()  # nothing that day: no file
        self.totals.update(counts)
        return dict(counts)

    def _school_day(self, s, day, school_day, st: Statements, ref_t, ref_s):
        w = self.w
        rng = rng_for(w.seed, "platform", day.toordinal(), s.idx)
        lesson_rows, obs_rows, seval_rows = [], [], []
        if school_day:
            sessions = self._lessons(s, day, rng, st, lesson_rows, ref_t, ref_s)
            if s.stage != "幼儿园":
                self._quizzes(s, day, rng, st, ref_s)
                self._homework(s, day, rng, st, ref_t, ref_s)
            self._observations(s, day, rng, sessions, obs_rows, ref_t)
            # own generator: adding the questionnaires leaves every other draw of the day unchanged
            self._student_evaluations(s, day, rng_for(w.seed, "student-evaluations", day.toordinal(), s.idx),
                                      seval_rows, ref_t)
        if s.stage != "幼儿园":
            self._self_study(s, day, rng, st, school_day, ref_s)
        self._resources(s, day, rng, st, school_day, ref_t)
        return lesson_rows, obs_rows, seval_rows

    # ------------------------------------------------------------------ lessons and questions
    def _lessons(self, s, day, rng, st, rows, ref_t, ref_s) -> dict[int, str]:
        """Smart-classroom lessons; returns teacher -> a session id of the day."""
        w = self.w
        classes = s.classes
        teachers = w.c_teacher[classes]
        p = np.where(teachers >= 0, w.t_smart[teachers] * LESSON_FREQ[w.c_subject[classes]], 0)
        held = classes[rng.random(len(classes)) < p]
        used = np.zeros(len(PERIODS), int)
        busy: set[tuple[int, int]] = set()
        sched = []
        for c in held[rng.permutation(len(held))]:
            sec = int(w.c_section[c])
            for pi in rng.permutation(len(PERIODS)):
                if used[pi] < s.smart_classrooms and (sec, pi) not in busy:
                    used[pi] += 1
                    busy.add((sec, int(pi)))
                    sched.append((int(pi), int(used[pi]), int(c)))
                    break
        sched.sort()
        ymd = day.strftime("%Y%m%d")
        length = {"幼儿园": 30, "小学": 40, "初中": 45}[s.stage]
        rural = 0.0 if s.urban else 1.0
        by_teacher: dict[int, str] = {}
        frng = rng_for(w.seed, "activity-forms", day.toordinal(), s.idx)
        for n, (pi, room, c) in enumerate(sched):
            t = int(w.c_teacher[c])
            q = float(w.t_quality[t])
            sid = f"ls-{s.sourced_id[4:]}-{ymd}-{n + 1:03d}"
            by_teacher.setdefault(t, sid)
            studs = w.section_students(w.c_section[c])
            present = studs[rng.random(len(studs)) > 0.03]
            start = PERIODS[pi]
            nq = 0 if s.stage == "幼儿园" else int(rng.integers(1, 3))
            resp_rate = float(np.clip(0.82 + 0.06 * q - 0.08 * rural + rng.normal(0, 0.05), 0.4, 1.0))
            # abler students answer more often (planted: 参与度 follows ability)
            responders = (present[rng.random(len(present)) < resp_rate + 0.08 * w.s_ability[present]] if nq
                          else present[:0])
            if nq:
                self._answers(c, t, sid, start, nq, q, responders, rng, st, ref_s)
            interactions = min(500, int(rng.poisson(max(1.0, 8 + 4 * q - 2 * rural))) + nq * len(responders))
            group = float(np.clip(rng.normal(6 + 3 * q - 1.5 * rural, 4), 0, 30))
            tools = rng.choice(len(DIGITAL_TOOLS), int(rng.integers(1, 4)), replace=False)
            talk = float(np.clip(rng.normal(0.55 - 0.07 * q + 0.05 * rural, 0.07), 0.15, 0.9))
            # 活动创新性: better teachers use more, and more varied, activity forms
            n_forms = min(len(ACTIVITY_FORMS), int(frng.poisson(max(0.2, 1.2 + 0.7 * q - 0.3 * rural))))
            forms = sorted(frng.choice(len(ACTIVITY_FORMS), n_forms, replace=False)) if n_forms else []
            rows.append([sid, f"{s.sourced_id}-R{room:02d}", s.sourced_id, w.class_id(c), w.teacher_id(t),
                         SUBJECTS[w.c_subject[c]], _clock(day, start), _clock(day, start + length * 60),
                         str(len(present)), str(len(responders)) if nq else "", str(interactions), f"{group:.1f}",
                         ";".join(DIGITAL_TOOLS[k] for k in sorted(tools)), f"{talk:.2f}",
                         ";".join(ACTIVITY_FORMS[k] for k in forms)])
            ref_t[t] = True
        return by_teacher

    def _answers(self, c, t, sid, start, nq, q, responders, rng, st: Statements, ref_s):
        """问题精准度: precise questioners aim at ~65% correct; others ask too easy or too hard."""
        w = self.w
        ext = self.ext(c) + f',"{XAPI}session":"{sid}"'
        precision = _sigmoid(1.2 * q)
        ability = w.s_ability[responders]
        centred = ability - ability.mean() if len(ability) else ability
        for k in range(nq):
            target = float(np.clip(0.65 + (1 - precision) * rng.choice([-0.35, 0.3]) + rng.normal(0, 0.05), 0.1, 0.97))
            p = _sigmoid(np.log(target / (1 - target)) + 0.9 * centred)
            ok = rng.random(len(responders)) < p
            key = "ABCD"[int(rng.integers(4))]
            wrong = rng.integers(1, 4, len(responders))
            at = start + (k + 1) * int(rng.integers(5, 11)) * 60
            secs = rng.integers(8, 90, len(responders))
            ok, wrong, secs = ok.tolist(), wrong.tolist(), secs.tolist()
            k_i = "ABCD".index(key)
            obj = f"question/{sid}-Q{k + 1}"
            for i, stu in enumerate(responders.tolist()):
                resp = key if ok[i] else "ABCD"[(k_i + wrong[i]) % 4]
                st.add(w.student_id(stu), "answered", obj, "question", at + secs[i],
                       f'"result":{{"success":{"true" if ok[i] else "false"},"response":"{resp}",'
                       f'"duration":"PT{secs[i]}S"}},',
                       ext)
        ref_s[responders] = True

    # ------------------------------------------------------------------ quizzes
    def _quizzes(self, s, day, rng, st, ref_s):
        w = self.w
        months = max(0.0, (day - w.term.start).days / 30.0)
        ymd = day.strftime("%Y%m%d")
        for c in s.classes:
            if rng.random() >= 0.1:
                continue
            studs = w.section_students(w.c_section[c])
            studs = studs[rng.random(len(studs)) > 0.03]
            difficulty = rng.normal(0.4, 0.3)
            score = _sigmoid(0.5 + 1.1 * w.s_ability[studs] + w.s_trend[studs] * months + difficulty
                             + rng.normal(0, 0.35, len(studs)))
            at = 15 * 3600 + int(rng.integers(0, 90)) * 60
            mins = rng.integers(15, 41, len(studs))
            obj = f"assessment/qz-{ymd}-{w.class_id(c)[4:]}"
            ext = self.ext(c)
            offs = rng.integers(0, 300, len(studs)).tolist()
            score, mins = np.round(score, 2).tolist(), mins.tolist()
            for i, stu in enumerate(studs.tolist()):
                sc = score[i]
                st.add(w.student_id(stu), "scored", obj, "assessment", at + offs[i],
                       f'"result":{{"score":{{"scaled":{sc}}},"success":{"true" if sc >= 0.6 else "false"},'
                       f'"duration":"PT{mins[i]}M"}},', ext)
            ref_s[studs] = True

    # ------------------------------------------------------------------ homework
    def _homework(self, s, day, rng, st: Statements, ref_t, ref_s):
        """Assignments, submissions and grading. Written minutes per student and day are what 双减
        limits: grades 1-2 get no written homework except in the 'heavy' sections of a few schools."""
        w = self.w
        due_day = next_school_day(day)
        due_secs = (due_day - day).days * 86400 + 7 * 3600 + 50 * 60
        due_ts = f"{due_day.isoformat()}T07:50:00+08:00"
        ymd = day.strftime("%Y%m%d")
        rural = not s.urban
        written_minutes: dict[int, float] = {}
        for c in s.classes:
            subj = SUBJECTS[w.c_subject[c]]
            t = int(w.c_teacher[c])
            if t < 0 or subj not in HOMEWORK_P or rng.random() >= HOMEWORK_P[subj]:
                continue
            sec = int(w.c_section[c])
            grade = w.grade_number(sec)
            heavy = bool(w.sec_heavy[sec])
            junior = grade >= 7
            if grade <= 2:
                written = heavy
                expected = 20.0 if heavy else 10.0
            else:
                written = subj != "科学" and not (subj == "英语" and rng.random() < 0.3)
                expected = HOMEWORK_MIN[subj][1 if junior else 0] * (1.7 if heavy else 1.0)
            expected *= float(rng.uniform(0.85, 1.15))
            layered = bool(rng.random() < w.t_layered[t])
            hw = f"hw-{ymd}-{w.class_id(c)[4:]}"
            ext = (self.ext(c) + f',"{XAPI}assignment":"{hw}","{XAPI}layered":{"true" if layered else "false"},'
                   f'"{XAPI}written":{"true" if written else "false"},"{XAPI}due":"{due_ts}"')
            assigned_at = 15 * 3600 + 30 * 60 + int(rng.integers(0, 90 * 60))
            st.add(w.teacher_id(t), "assigned", f"homework/{hw}", "homework", assigned_at,
                   f'"result":{{"duration":"{_dur(expected * 60)}"}},', ext)
            ref_t[t] = True
            studs = w.section_students(sec)
            p_submit = np.clip(0.94 - 0.05 * rural + 0.03 * w.s_ability[studs], 0.5, 0.99)
            studs = studs[rng.random(len(studs)) < p_submit]
            n = len(studs)
            minutes = expected * w.s_speed[studs] * rng.lognormal(0, 0.2, n)
            if layered:  # layered homework trims the load of weaker students
                minutes = np.where(w.s_ability[studs] < 0, minutes * 0.8, minutes)
            late = rng.random(n) < 0.05 * np.exp(-0.7 * w.s_ability[studs])  # planted: 投入度 follows ability
            spread = (due_day - day).days  # days before the due day (weekend homework spreads out)
            day_off = np.where(rng.random(n) < 0.65, 0, rng.integers(0, max(spread, 1), n))
            at = np.where(day_off == 0, rng.integers(17 * 3600 + 1800, 21 * 3600 + 2700, n),
                          day_off * 86400 + rng.integers(9 * 3600, 21 * 3600 + 2700, n))
            at = np.where(late, due_secs + rng.integers(600, 6 * 3600, n), at)
            grade_p = w.t_grading[t]
            graded = rng.random(n) < grade_p
            delay = np.where(rng.random(n) < 0.85, rng.uniform(1, 40, n), rng.uniform(48, 110, n)) * 3600
            g_at = at + delay
            hour = (g_at % 86400) // 3600
            g_at = np.where(hour < 7, g_at + 7 * 3600, g_at)
            quality = _sigmoid(0.8 + w.s_ability[studs] + rng.normal(0, 0.4, n))
            ref_s[studs[at < 86400]] = True
            if graded.any() and g_at[graded].min() < 86400:
                ref_t[t] = True
            pick = rng.integers(0, 3, n).tolist()
            tid = w.teacher_id(t)
            at, g_at, graded = at.tolist(), g_at.tolist(), graded.tolist()
            minutes, quality = minutes.tolist(), np.round(quality, 2).tolist()
            for i, stu in enumerate(studs.tolist()):
                sid = w.student_id(stu)
                st.add(sid, "submitted", f"homework/{hw}", "homework", at[i],
                       f'"result":{{"duration":"{_dur(minutes[i] * 60)}","completion":true}},', ext, "s", stu)
                if written:
                    written_minutes[stu] = written_minutes.get(stu, 0.0) + minutes[i]
                if graded[i]:
                    qv = quality[i]
                    text = FEEDBACK[0 if qv >= 0.85 else 1 if qv >= 0.6 else 2][pick[i]]
                    st.add(tid, "graded", f"homework/{hw}/submission/{sid}", "homework", g_at[i],
                           f'"result":{{"score":{{"scaled":{qv}}},"response":"{text}"}},', ext, "t", t)
        for stu, mins in written_minutes.items():
            limit = WRITTEN_LIMIT[w.grade_number(int(w.s_section[stu]))]
            self.breach["student_days_with_written_homework"] += 1
            if mins > limit:
                self.breach["student_days_over_limit"] += 1

    # ------------------------------------------------------------------ self-study and resources
    def _self_study(self, s, day, rng, st, school_day, ref_s):
        w = self.w
        studs = np.arange(w.sec_start[s.sections[0]], w.sec_end[s.sections[-1]])
        studs = studs[w.s_active[studs]]
        studs = studs[rng.random(len(studs)) < (0.12 if school_day else 0.08) * np.exp(0.4 * w.s_ability[studs])]
        lo, hi = (18 * 3600 + 1800, 21 * 3600 + 1800) if school_day else (9 * 3600, 21 * 3600)
        for stu in studs:
            sec = w.s_section[stu]
            classes = w.sec_classes[sec]
            c = classes[int(rng.integers(len(classes)))]
            if rng.random() < 0.5:
                obj, otype = f"course/{w.course_id(c)}", "course"
            else:
                obj, otype = f"resource/{self.pool[int(rng.integers(len(self.pool)))][0]}", "resource"
            st.add(w.student_id(stu), "experienced", obj, otype, int(rng.integers(lo, hi)),
                   f'"result":{{"duration":"PT{int(rng.integers(5, 41))}M"}},', self.ext(c))
            ref_s[stu] = True

    def _resources(self, s, day, rng, st, school_day, ref_t):
        w = self.w
        teachers = w.school_teachers[s.idx]
        f = 1.0 if school_day else WEEKEND_ACTIVITY
        ymd = day.strftime("%Y%m%d")
        uploads = []
        for k in range(int(rng.poisson(UPLOADS_PER_TEACHER_DAY * len(teachers) * f))):
            t = int(teachers[int(rng.integers(len(teachers)))])
            rid = f"res-{ymd}-{s.sourced_id[4:]}-{k + 1:03d}"
            st.add(w.teacher_id(t), "uploaded", f"resource/{rid}", "resource", int(rng.integers(8 * 3600, 22 * 3600)),
                   "", f'"{XAPI}school":"{s.sourced_id}","{XAPI}subject":"{SUBJECTS[w.t_subject[t]]}"')
            uploads.append((rid, t, int(w.t_subject[t])))
            ref_t[t] = True
        for _ in range(int(rng.poisson(DOWNLOADS_PER_TEACHER_DAY * len(teachers) * f))):
            t = int(teachers[int(rng.integers(len(teachers)))])
            pick = None
            for _try in range(6):  # another teacher's resource, the same subject if one turns up
                cand = self.pool[int(rng.integers(len(self.pool)))]
                if cand[1] != t and (cand[2] == w.t_subject[t] or _try >= 3):
                    pick = cand
                    break
            if pick is None:
                continue
            st.add(w.teacher_id(t), "downloaded", f"resource/{pick[0]}", "resource",
                   int(rng.integers(8 * 3600, 22 * 3600)), "",
                   f'"{XAPI}school":"{s.sourced_id}","{XAPI}subject":"{SUBJECTS[pick[2]]}"')
            ref_t[t] = True
        self.pool.extend(uploads)

    # ------------------------------------------------------------------ 听评课
    def _observations(self, s, day, rng, sessions: dict[int, str], rows, ref_t):
        """Each observable teacher is observed today with probability (observations the policy owes
        them per term / the term's school days) x the school's compliance."""
        w = self.w
        teachers = w.school_teachers[s.idx]
        observable = teachers[~w.t_never_observed[teachers]]
        if len(observable) == 0:
            return
        owed = np.array([w.expected_observations(int(t)) for t in observable], float)
        p = owed / self.term_school_days * float(w.obs_compliance[s.idx])
        chosen = observable[rng.random(len(observable)) < p]
        ymd = day.strftime("%Y%m%d")
        leaders = w.school_leaders(s.idx)
        roles = [r for r, _ in EVALUATORS]
        role_p = np.array([p for _, p in EVALUATORS])
        for k, t in enumerate(chosen.tolist()):
            session = sessions.get(t, "") if rng.random() < 0.8 else ""
            role = roles[int(rng.choice(len(roles), p=role_p))]
            peers = teachers[(teachers != t) & ~np.isin(teachers, leaders)]
            if role == "校领导" and t not in leaders:
                observer = w.teacher_id(int(leaders[int(rng.integers(len(leaders)))]))
            elif role == "同伴" and len(peers):
                observer = w.teacher_id(int(peers[int(rng.integers(len(peers)))]))
            elif role == "自评":
                observer = w.teacher_id(t)
            else:
                role, observer = "教研员", w.admin_id(int(rng.integers(len(w.ap))))
            types, type_p = OBS_TYPES[role]
            otype = types[int(rng.choice(len(types), p=type_p))]
            if otype == "公开课" and w.t_title[t] <= 1:
                otype = "汇报课"  # a new teacher's open lesson is a 汇报课
            version, items = self.rubric_for(s.stage, SUBJECTS[w.t_subject[t]], day)
            oid = f"ob-{ymd}-{s.sourced_id[4:]}-{k + 1:02d}"
            codes = sorted(rng.choice(len(items), int(rng.integers(max(1, len(items) - 4), len(items) + 1)),
                                      replace=False))
            q = float(w.t_quality[t])
            lenient = LENIENCY[role] + LENIENCY[otype]
            for j in codes:
                code = items[j]
                x = 3.4 + 0.55 * q + INDICATOR_EFFECT[code] + lenient \
                    + (0.3 if session and code[0] == "D" else 0) + rng.normal(0, 0.45)
                score = int(np.clip(round(x), 1, 5))
                band = 0 if score >= 4 else 1 if score == 3 else 2
                comment = COMMENTS[code[0]][band]
                rows.append([oid, observer, w.teacher_id(t), session, day.isoformat(), otype, role, version, code,
                             str(score), comment])
            ref_t[t] = True

    def rubric_for(self, stage: str, subject: str, day: dt.date) -> tuple[str, list[str]]:
        """The rubric version in force (the most specific stage/subject match effective on the day)
        and its indicators, from seeds/rubric_versions.csv and rubric_version_items.csv."""
        key = (stage, subject, day)
        if key not in self._rubrics:
            best = None
            for r in load_seed("rubric_versions"):
                if r["stage"] not in ("*", stage) or r["subject"] not in ("*", subject):
                    continue
                if not r["effective_from"] <= day.isoformat() <= r["effective_to"]:
                    continue
                rank = (r["stage"] != "*") + (r["subject"] != "*")
                if best is None or rank > best[0]:
                    best = (rank, r["rubric_version"])
            version = best[1]
            items = [i["indicator_code"] for i in load_seed("rubric_version_items") if i["rubric_version"] == version]
            self._rubrics[key] = (version, items)
        return self._rubrics[key]

    # ------------------------------------------------------------------ 学生评教
    def _student_evaluations(self, s, day, rng, rows, ref_t):
        """Anonymous 评教 questionnaires: about 1 class in 40 per school day runs one (grades 3+);
        each present student answers the five items about the class's teacher."""
        w = self.w
        min_grade = min(int(r["min_grade"]) for r in load_seed("student_evaluation_items"))
        ymd = day.strftime("%Y%m%d")
        n = 0
        for c in s.classes.tolist():
            t = int(w.c_teacher[c])
            sec = int(w.c_section[c])
            if t < 0 or w.grade_number(sec) < min_grade or rng.random() >= 0.025:
                continue
            studs = w.section_students(sec)
            studs = studs[rng.random(len(studs)) < 0.85]
            q = float(w.t_quality[t])
            at = 16 * 3600 + int(rng.integers(0, 7200))
            for stu in studs.tolist():
                n += 1
                kind = rng.normal(0, 0.5)  # a student's own leniency, shared by their items
                rid = f"se-{ymd}-{s.sourced_id[4:]}-{n:05d}"
                when = _clock(day, at + int(rng.integers(0, 600)))
                for code, effect in SEVAL_ITEMS.items():
                    score = int(np.clip(round(3.7 + 0.45 * q + effect + kind + rng.normal(0, 0.6)), 1, 5))
                    rows.append([rid, w.teacher_id(t), w.class_id(c), code, str(score), when])
            ref_t[t] = True

    # ------------------------------------------------------------------ defects
    def _specs(self):
        w = self.w
        ghost_school = f"sch-{10 ** len(w.schools[0].sourced_id[4:]) + 1}"
        lesson = TableSpec("platform", "lesson_sessions", ("session_id",), {
            "required": required("students_present", "subject", "end_time", "teacher_id", "class_id"),
            "type": {"students_present": _nonblank(lambda v, rng: f"约{v}人"), "end_time": _nonblank(_ts_bad),
                     "teacher_talk_share": _nonblank(lambda v, rng: f"{round(float(v) * 100)}%")},
            "allowed": {"subject": _choice("书法", "劳动", "心理健康", "校本课程")},
            "range": {"students_present": _nonblank(lambda v, rng: str(int(v) + 200)),
                      "teacher_talk_share": _nonblank(lambda v, rng: str(round(float(v) * 100))),
                      "group_activity_minutes": _choice("120", "135.5"), "interactions": _choice("-1", "-12")},
            "in_partition_day": {"start_time": _nonblank(_prev_day)},
            "unknown_reference": {"teacher_id": _nonblank(lambda v, rng: w.ghost_teacher_id(rng)),
                                  "class_id": _nonblank(lambda v, rng: w.ghost_class_id(rng)),
                                  "school_id": _choice(ghost_school)},
        })
        obs = TableSpec("platform", "observations", ("observation_id", "indicator_code"), {
            "required": required("score", "teacher_id", "observed_on"),
            "type": {"score": _choice("优", "良", "B+"), "observed_on": _nonblank(_date_bad)},
            "allowed": {"indicator_code": _nonblank(lambda v, rng: v.lower() if rng.random() < 0.5 else v + "0"),
                        "observation_type": _choice("听课", "家常课"), "evaluator_role": _choice("校长", "专家")},
            "range": {"score": _choice("6", "0", "10")},
            "in_partition_day": {"observed_on": _nonblank(_prev_day)},
            "unknown_reference": {"teacher_id": _nonblank(lambda v, rng: w.ghost_teacher_id(rng))},
        })
        seval = TableSpec("platform", "student_evaluations", ("response_id", "item_code"), {
            "required": required("teacher_id", "score"),
            "type": {"score": _choice("好", "4.5分"), "submitted_at": _nonblank(_ts_bad)},
            "allowed": {"item_code": _choice("SX", "Q1")},
            "range": {"score": _choice("0", "6", "10")},
            "in_partition_day": {"submitted_at": _nonblank(_prev_day)},
            "unknown_reference": {"teacher_id": _nonblank(lambda v, rng: w.ghost_teacher_id(rng)),
                                  "class_id": _nonblank(lambda v, rng: w.ghost_class_id(rng))},
        })
        return lesson, obs, seval, xapi_mutators(w)


def _clock(day: dt.date, secs: int) -> str:
    return f"{day.isoformat()} {secs // 3600:02d}:{secs % 3600 // 60:02d}:00"


def _dump(o) -> str:
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


def xapi_mutators(w: World) -> dict:
    """rule -> column -> f(statement dict, rng, line) -> new line, or None when it does not apply."""
    ext_class = XAPI + "class"

    def drop(path):
        def f(o, rng, line):
            node = o
            for p in path[:-1]:
                node = node.get(p, {})
            if path[-1] not in node:
                return None
            del node[path[-1]]
            return _dump(o)
        return f

    def result_field(name, make):
        def f(o, rng, line):
            r = o.get("result", {})
            if name == "score":
                if "score" not in r:
                    return None
                r["score"]["scaled"] = make(r["score"]["scaled"], rng)
            else:
                if name not in r:
                    return None
                r[name] = make(r[name], rng)
            return _dump(o)
        return f

    def set_ts(make):
        def f(o, rng, line):
            o["timestamp"] = make(o["timestamp"], rng)
            return _dump(o)
        return f

    def due_bad(o, rng, line):
        ext = o["context"]["extensions"]
        if XAPI + "due" not in ext:
            return None
        ext[XAPI + "due"] = "明早交"
        return _dump(o)

    def verb_bad(o, rng, line):
        o["verb"]["id"] = "http://adlnet.gov/expapi/verbs/" + ["liked", "shared", "commented"][int(rng.integers(3))]
        return _dump(o)

    def otype_bad(o, rng, line):
        o["object"]["definition"]["type"] = "http://wudu.local/activitytype/" + ["video", "file", "interaction"][
            int(rng.integers(3))]
        return _dump(o)

    def ghost_actor(o, rng, line):
        name = o["actor"]["account"]["name"]
        o["actor"]["account"]["name"] = w.ghost_student_id(rng) if name.startswith("stu-") else w.ghost_teacher_id(rng)
        return _dump(o)

    def ghost_class(o, rng, line):
        ext = o["context"]["extensions"]
        if ext_class not in ext:
            return None
        ext[ext_class] = w.ghost_class_id(rng)
        return _dump(o)

    return {
        "required": {"actor_id": drop(["actor", "account", "name"]), "timestamp": drop(["timestamp"]),
                     "object_id": drop(["object", "id"])},
        "type": {"timestamp": set_ts(_ts_bad), "due_at": due_bad,
                 "score_scaled": result_field("score", lambda v, rng: f"{v}分"),
                 "duration_seconds": result_field("duration", lambda v, rng: "约" + v[2:].lower()),
                 "_record": lambda o, rng, line: line[: len(line) // 2]},
        "allowed": {"verb": verb_bad, "object_type": otype_bad},
        "range": {"score_scaled": result_field("score", lambda v, rng: round(1 + float(rng.uniform(0.05, 0.6)), 2)),
                  "duration_seconds": result_field("duration", lambda v, rng: f"PT{int(rng.integers(25, 49))}H")},
        "in_partition_day": {"timestamp": set_ts(_prev_day)},
        "unknown_reference": {"actor_id": ghost_actor, "class_id": ghost_class},
    }
