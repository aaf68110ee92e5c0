"""The numbers of one report (district, school or teacher), computed from TermData. HTML and Excel
render the same sections, so a figure in the page and in the workbook cannot differ."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wudu.reports import fields as F
from wudu.reports.data import TermData

NOT_RATED = ("未评定", "not rated")   # overall score NULL: too few dimensions scored


@dataclass(frozen=True)
class Unit:
    kind: str                 # district | school | teacher
    id: str
    name: str
    stage: str | None = None
    urban_rural: str | None = None
    school_id: str | None = None

    @property
    def kind_label(self) -> str:
        return {"district": "区域 district", "school": "学校 school", "teacher": "教师 teacher"}[self.kind]


@dataclass
class Value:
    dimension: F.Dimension
    score: float | None
    n: int                    # persons scored (a group) or evidence count (a person)
    reason: tuple[str, str] | None = None


@dataclass
class Series:
    name: str                 # bilingual
    n_persons: int
    values: list[Value]
    is_unit: bool = False


def district_unit(d: TermData) -> Unit:
    return Unit("district", d.district_id, d.district_name)


def school_unit(d: TermData, school_id: str) -> Unit:
    s = d.school(school_id)
    return Unit("school", school_id, s["school_name"], s["stage"], s["urban_rural"], school_id)


def teacher_unit(d: TermData, teacher_id: str) -> Unit:
    rows = d.facts[F.TEACHING.key]
    row = rows[rows[F.TEACHING.person_id] == teacher_id]
    if row.empty:
        raise KeyError(f"teacher {teacher_id!r} has no row in {F.TEACHING.fact} for {d.term['term_title']}")
    r = row.iloc[0]
    school = d.school(r["school_id"]) if r["school_id"] in set(d.schools["school_id"]) else {}
    return Unit("teacher", teacher_id, f"{teacher_id}（{school.get('school_name', r['school_id'])}）",
                r["stage"], r["urban_rural"], r["school_id"])


def _int(x) -> int:
    return 0 if x is None or pd.isna(x) else int(x)


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def rollup_row(d: TermData, ev: F.Evaluation, level: str, value: str, previous: bool = False) -> dict | None:
    return d.rollup_index(ev, previous).get((level, value))


def _group_series(d: TermData, ev: F.Evaluation, name: str, row: dict | None, stage: str | None,
                  is_unit: bool = False) -> Series:
    stage_row = rollup_row(d, ev, F.LEVEL_STAGE, stage) if stage else None
    n_persons = _int(row.get(F.ROLLUP_PERSONS)) if row else 0
    values = []
    for dim in d.dims(ev):
        score = _num(row.get(F.rollup_avg_column(dim.key))) if row else None
        n = _int(row.get(F.rollup_n_column(dim.key))) if row else 0
        reason = None
        if score is None:
            stage_n = _int(stage_row.get(F.rollup_n_column(dim.key))) if stage_row else None
            reason = F.group_missing_reason(n_persons, stage_n, dim.min_evidence)
        values.append(Value(dim, score, n, reason))
    return Series(name, n_persons, values, is_unit)


def radar(d: TermData, ev: F.Evaluation, unit: Unit) -> list[Series]:
    """The unit first, then the district, then its 学段 (the district report: every 学段)."""
    return d.cached(("radar", ev.key, unit), lambda: _radar(d, ev, unit))


def _radar(d: TermData, ev: F.Evaluation, unit: Unit) -> list[Series]:
    district = _group_series(d, ev, f"全区 district ({d.district_name})",
                             rollup_row(d, ev, F.LEVEL_DISTRICT, d.district_id), None)
    if unit.kind == "district":
        district.is_unit = True
        frame = d.rollups[ev.key]
        stages = sorted(frame.loc[frame["rollup_level"] == F.LEVEL_STAGE, "rollup_value"])
        return [district] + [_group_series(d, ev, f"学段 stage {s}", rollup_row(d, ev, F.LEVEL_STAGE, s), s)
                             for s in stages]
    stage = _group_series(d, ev, f"学段 stage {unit.stage}", rollup_row(d, ev, F.LEVEL_STAGE, unit.stage),
                          unit.stage) if unit.stage else None
    if unit.kind == "school":
        own = _group_series(d, ev, f"本校 school ({unit.name})",
                            rollup_row(d, ev, F.LEVEL_SCHOOL, unit.id), unit.stage, is_unit=True)
        return [s for s in (own, district, stage) if s]
    # a teacher: the person's own scores with evidence counts, then school, district, 学段
    fact = d.facts[ev.key]
    row = fact[fact[ev.person_id] == unit.id].iloc[0]
    values = []
    for dim in d.dims(ev):
        score = _num(row[F.score_column(dim.key)])
        evidence = _int(row[F.evidence_column(dim.key)])
        values.append(Value(dim, score, evidence,
                            None if score is not None else F.person_missing_reason(evidence, dim.min_evidence)))
    own = Series(f"本人 teacher ({unit.id})", 1, values, True)
    school = _group_series(d, ev, "本校 school", rollup_row(d, ev, F.LEVEL_SCHOOL, unit.school_id), unit.stage)
    return [s for s in (own, school, district, stage) if s]


def unit_facts(d: TermData, ev: F.Evaluation, unit: Unit) -> pd.DataFrame:
    fact = d.facts[ev.key]
    if unit.kind == "district":
        return fact
    if unit.kind == "school":
        return d.school_facts(ev, unit.id)
    return fact[fact[ev.person_id] == unit.id]


def band_distribution(d: TermData, ev: F.Evaluation, unit: Unit) -> pd.DataFrame:
    """Persons per band (优/良/中/待提升 from seeds.five_degree_bands, then 未评定), unit and district."""
    labels = list(d.bands.sort_values("band_order")["band"]) + [NOT_RATED[0]]

    def counts(frame: pd.DataFrame) -> pd.Series:
        c = frame[F.FACT_BAND].fillna(NOT_RATED[0]).value_counts()
        return pd.Series([int(c.get(b, 0)) for b in labels], index=labels)

    unit_c, dist_c = counts(unit_facts(d, ev, unit)), counts(d.facts[ev.key])
    out = pd.DataFrame({"band": labels, "unit_n": unit_c.values, "district_n": dist_c.values})
    out["unit_pct"] = (100 * out["unit_n"] / max(out["unit_n"].sum(), 1)).round(1)
    out["district_pct"] = (100 * out["district_n"] / max(out["district_n"].sum(), 1)).round(1)
    return out


def group_comparison(d: TermData, ev: F.Evaluation) -> pd.DataFrame:
    """District-wide: 城镇/乡村 and 学段 groups with the overall mean and each dimension (with n)."""
    return d.cached(("groups", ev.key), lambda: _group_comparison(d, ev))


def _group_comparison(d: TermData, ev: F.Evaluation) -> pd.DataFrame:
    frame = d.rollups[ev.key]
    rows = []
    for level, label in ((F.LEVEL_AREA, "城乡 urban/rural"), (F.LEVEL_STAGE, "学段 stage")):
        for r in frame[frame["rollup_level"] == level].sort_values("rollup_value").to_dict("records"):
            row = {"level": label, "group": r["rollup_value"], "n_persons": _int(r[F.ROLLUP_PERSONS]),
                   "n_scored": _int(r[F.ROLLUP_SCORED]), "overall": _num(r[F.ROLLUP_OVERALL])}
            for dim in d.dims(ev):
                row[dim.key] = _num(r[F.rollup_avg_column(dim.key)])
                row[f"n_{dim.key}"] = _int(r[F.rollup_n_column(dim.key)])
            rows.append(row)
    return pd.DataFrame(rows)


def coverage(d: TermData, ev: F.Evaluation, unit: Unit) -> pd.DataFrame:
    """Evidence coverage: how many of the unit's persons are scored on each dimension."""
    facts = unit_facts(d, ev, unit)
    n = len(facts)
    rows = []
    for dim in d.dims(ev):
        scored = int(facts[F.score_column(dim.key)].notna().sum())
        some = int((facts[F.evidence_column(dim.key)].fillna(0) > 0).sum())
        rows.append({"dimension": dim.label, "persons": n, "scored": scored, "with_some_evidence": some,
                     "min_evidence": dim.min_evidence, "scored_pct": round(100 * scored / n, 1) if n else None})
    return pd.DataFrame(rows)


def term_change(d: TermData, ev: F.Evaluation, unit: Unit) -> pd.DataFrame | None:
    """Per dimension: previous term, this term, change — None when there is no earlier scored term."""
    if not d.previous_term or unit.kind == "teacher":
        return None
    level, value = ((F.LEVEL_DISTRICT, d.district_id) if unit.kind == "district" else (F.LEVEL_SCHOOL, unit.id))
    now, before = rollup_row(d, ev, level, value), rollup_row(d, ev, level, value, previous=True)
    rows = []
    items = [(F.ROLLUP_OVERALL, F.ROLLUP_SCORED, "综合 overall")] + [
        (F.rollup_avg_column(x.key), F.rollup_n_column(x.key), x.label) for x in d.dims(ev)]
    for avg_col, n_col, label in items:
        a = _num(before.get(avg_col)) if before else None
        b = _num(now.get(avg_col)) if now else None
        rows.append({"dimension": label, "previous": a, "previous_n": _int(before.get(n_col)) if before else 0,
                     "current": b, "current_n": _int(now.get(n_col)) if now else 0,
                     "change": round(b - a, 2) if a is not None and b is not None else None})
    return pd.DataFrame(rows)


@dataclass
class Indicator:
    label: str
    value: float | str | None
    unit: str
    n: int
    n_label: str


def _pct(num: float, den: float) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def training_indicators(d: TermData, unit: Unit) -> list[Indicator]:
    t = d.training
    if unit.kind == "school":
        t = t[t["school_id"] == unit.id]
    elif unit.kind == "teacher":
        t = t[t["teacher_id"] == unit.id]
    n = len(t)
    cyc = t[t["progress_pct"].notna()]
    # the cycle's requirement comes from the mart (seeds/training_cycles.csv), not from here
    required = "/".join(str(int(x)) for x in sorted(cyc["required_hours"].dropna().unique())) or "?"
    packages = d.packages if unit.kind == "district" else d.packages[d.packages["base_school_id"] == unit.school_id]
    out = [
        Indicator("本学期签到学时（人均） signed-in 学时 per teacher",
                  round(float(t["signin_hours"].fillna(0).mean()), 1) if n else None, "学时 h", n, "教师 teachers"),
        Indicator("本学期认定学时（人均） recognised 学时 per teacher",
                  round(float(t["recognised_hours"].fillna(0).mean()), 1) if n else None, "学时 h", n, "教师 teachers"),
        Indicator("本学期认定学分（人均） recognised 学分 per teacher",
                  round(float(t["recognised_credits"].fillna(0).mean()), 2) if n else None, "学分 credits", n,
                  "教师 teachers"),
        Indicator("项目完成率 project completion",
                  _pct(t["projects_completed"].fillna(0).sum(), t["projects_attended"].fillna(0).sum()), "%",
                  int(t["projects_attended"].fillna(0).sum()), "参训项目人次 project attendances"),
        Indicator(f"周期学时进度（人均） cycle progress (of {required} 学时)",
                  round(float(cyc["progress_pct"].mean()), 1) if len(cyc) else None, "%", len(cyc),
                  "教师 teachers"),
        Indicator("进度达标教师占比 teachers on track",
                  _pct(int(cyc["is_on_track"].fillna(False).sum()), len(cyc)), "%", len(cyc), "教师 teachers"),
        Indicator("培训满意度 training satisfaction",
                  _pct(t["satisfied_answers"].sum(), t["survey_answers"].sum()), "%",
                  int(t["survey_answers"].sum()), "问卷作答 survey answers"),
        Indicator("项目包（基地）数 project packages" + ("" if unit.kind == "district" else " based here"),
                  len(packages), "个 packages", int(packages["participants"].fillna(0).sum()),
                  "参训人数 participants"),
    ]
    return out


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def practice_indicators(d: TermData) -> list[Indicator]:
    """District only: research topics by stage, 项目包, 信息技术2.0, 骨干/资格/试用期, course library (issue 17)."""
    p = d.practice or {}
    out = []
    stages = p.get("stages")
    if stages is not None:
        for r in stages.to_dict("records"):
            out.append(Indicator(f"课题（{r['topic_stage']}） research topics at this stage", _int(r["topics"]), "项 topics",
                                 _int(r["overdue_topics"]) or 0, "逾期 overdue"))
    g = p.get("groups") or {}
    if _int(g.get("groups")):
        out.append(Indicator("1+N 课题群 topic groups", _int(g["groups"]), "个 groups", _int(g["sub_topics"]) or 0,
                             "子课题 sub-topics"))
    pk = p.get("packages") or {}
    if pk:
        out.append(Indicator("项目包研训人数 package trainees", _int(pk["trainees"]), "人 persons", _int(pk["packages"]),
                             "项目包 packages"))
        out.append(Indicator("项目包乡村教师占比 rural trainees", pk["rural_share_pct"], "%", _int(pk["rural_trainees"]),
                             "乡村教师 rural trainees"))
    it = p.get("it20") or {}
    if _int(it.get("schools")):
        out.append(Indicator("信息技术2.0整校推进学校 IT 2.0 schools", _int(it["schools"]), "所 schools",
                             _int(it["enrolled"]), "参训教师 teachers enrolled"))
        out.append(Indicator("信息技术2.0合格率 IT 2.0 completion", _pct(it["qualified"], it["enrolled"]), "%",
                             _int(it["enrolled"]), "参训教师 teachers enrolled"))
    c = p.get("careers") or {}
    if c:
        out.append(Indicator("骨干年度考核 backbone annual reviews", _int(c["backbone_annual_reviews"]), "人 persons",
                             _int(c["backbone_annual_passed"]), "通过 passed"))
        out.append(Indicator("新认定骨干 new backbone teachers", _int(c["new_backbone_teachers"]), "人 persons",
                             _int(c["backbone_teachers"]), "骨干教师 backbone teachers"))
        out.append(Indicator("教师资格注册 certificate registrations", _int(c["certificate_registrations"]), "人 persons",
                             _int(c["teachers"]), "教师 teachers"))
        out.append(Indicator("试用期培训进度达标 probation on track", c["probation_on_track_pct"], "%",
                             _int(c["teachers_on_probation"]), "试用期教师 on probation"))
    lib = p.get("library") or {}
    if _int(lib.get("listed")):
        out.append(Indicator("课程资源库入库课程 library courses", _int(lib["listed"]), "门 courses",
                             _int(lib["uses"]) or 0, "使用次数 uses"))
    return out


def smart_months(d: TermData, unit: Unit) -> pd.DataFrame:
    """Per month of the term: 学科达标率, 课时达标率, devices per 100, resources (school or district sum)."""
    s = d.smart
    if unit.kind != "district":
        s = s[s["school_id"] == unit.school_id]
    rows = []
    for month, g in s.groupby("month_start", sort=True):
        teachers = d.schools[d.schools["school_id"].isin(g["school_id"])]
        rows.append({
            "month": pd.Timestamp(month).strftime("%Y-%m"),
            "schools": int(g["school_id"].nunique()),
            "smart_classrooms": int(g["smart_classrooms"].fillna(0).sum()),
            "smart_lessons": int(g["smart_lessons"].sum()),
            "subjects_in_scope": int(g["subjects_in_scope"].sum()),
            "subject_attainment_pct": _pct(g["subjects_meeting_target"].sum(), g["subjects_in_scope"].sum()),
            "lesson_hours": round(float(g["smart_lesson_hours"].sum()), 1),
            "lesson_hours_attainment_pct": _pct(g["smart_lesson_hours"].sum(), g["target_lesson_hours"].sum()),
            "teacher_devices_per_100": _pct(teachers["teacher_devices"].fillna(0).sum(),
                                            teachers["current_teachers"].sum()),
            "student_devices_per_100": _pct(teachers["student_devices"].fillna(0).sum(),
                                            teachers["current_students"].sum()),
            "teachers": int(teachers["current_teachers"].sum()),
            "students": int(teachers["current_students"].sum()),
            "resources_uploaded": int(g["resources_uploaded"].sum()),
            "resources_downloaded": int(g["resources_downloaded"].sum()),
        })
    return pd.DataFrame(rows)
