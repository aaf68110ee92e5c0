"""Everything a term's reports need, read once from the published warehouse (schemas marts, seeds).

One query per table for the whole district, then every school/teacher report slices in memory:
27 school reports cost 27 slices, not 27 × a dozen queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from wudu.analyst import connect
from wudu.reports import fields as F


@dataclass
class TermData:
    district_id: str
    district_name: str
    term: dict
    previous_term: dict | None
    registry: pd.DataFrame
    bands: pd.DataFrame
    params: dict
    schools: pd.DataFrame
    facts: dict[str, pd.DataFrame]
    rollups: dict[str, pd.DataFrame]
    previous_rollups: dict[str, pd.DataFrame] = field(default_factory=dict)
    training: pd.DataFrame | None = None        # per teacher: term 学时/学分, cycle progress, satisfaction
    packages: pd.DataFrame | None = None        # 项目包
    smart: pd.DataFrame | None = None           # per school per month in the term
    practice: dict | None = None                # district figures of 课题, 项目包, 信息技术2.0, 队伍, 资源库
    # memo of derived lookups: every page of the term asks the same questions
    memo: dict = field(default_factory=dict, repr=False)

    def cached(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def dims(self, evaluation: F.Evaluation) -> list[F.Dimension]:
        return self.cached(("dims", evaluation.key), lambda: F.dimensions(self.registry, evaluation))

    def rollup_index(self, evaluation: F.Evaluation, previous: bool = False) -> dict[tuple[str, str], dict]:
        """(rollup_level, rollup_value) -> row, built once per evaluation and term."""
        def build():
            frame = (self.previous_rollups if previous else self.rollups).get(evaluation.key)
            if frame is None:
                return {}
            return {(r["rollup_level"], r["rollup_value"]): r for r in frame.to_dict("records")}
        return self.cached(("rollup", evaluation.key, previous), build)

    def school_facts(self, evaluation: F.Evaluation, school_id: str) -> pd.DataFrame:
        groups = self.cached(("facts_by_school", evaluation.key),
                             lambda: dict(tuple(self.facts[evaluation.key].groupby("school_id", sort=False))))
        return groups.get(school_id, self.facts[evaluation.key].iloc[0:0])

    def school(self, school_id: str) -> dict:
        rows = self.schools[self.schools["school_id"] == school_id]
        if rows.empty:
            raise KeyError(f"school {school_id!r} is not in marts.dim_school")
        return rows.iloc[0].to_dict()


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def terms_with_scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Terms that have 五度评教 rows, newest first."""
    return _df(con, f"""
        SELECT t.district_id, t.term_id, t.term_key, t.term_title, t.start_date, t.end_date
        FROM marts.dim_term t
        WHERE t.term_key IN (SELECT DISTINCT term_key FROM {F.TEACHING.fact})
        ORDER BY t.start_date DESC""")


def load_term(data_dir: str | Path | None = None, term: str | None = None) -> list[TermData]:
    """One TermData per district for `term` (term_id or title; default: the newest scored term)."""
    with connect(data_dir) as con:
        terms = terms_with_scores(con)
        if terms.empty:
            raise LookupError("the warehouse has no scored term (marts.fct_teacher_five_degree_term is empty)")
        out = []
        for district_id, dterms in terms.groupby("district_id", sort=True):
            dterms = dterms.sort_values("start_date", ascending=False).reset_index(drop=True)
            if term:
                hit = dterms[(dterms["term_id"] == term) | (dterms["term_title"] == term)]
                if hit.empty:
                    continue
                idx = hit.index[0]
            else:
                idx = 0
            cur = dterms.iloc[idx].to_dict()
            prev = dterms.iloc[idx + 1].to_dict() if idx + 1 < len(dterms) else None
            out.append(_load_district_term(con, district_id, cur, prev))
        if not out:
            raise LookupError(f"term {term!r} has no scores; terms with scores: "
                              f"{', '.join(terms['term_id'] + ' ' + terms['term_title'])}")
        return out


def _load_district_term(con, district_id: str, term: dict, prev: dict | None) -> TermData:
    name = con.execute("SELECT district_name FROM marts.dim_district WHERE district_id = ? "
                       "ORDER BY is_current DESC LIMIT 1", [district_id]).fetchone()
    schools = _df(con, """
        SELECT school_key, school_id, school_name, school_code, urban_rural, stage, edu_group, smart_classrooms,
               teacher_devices, student_devices, current_teachers, current_students,
               teacher_devices_per_100_teachers, student_devices_per_100_students
        FROM marts.dim_school WHERE district_id = ? AND is_current ORDER BY school_code, school_id""", [district_id])
    facts, rollups, prev_rollups = {}, {}, {}
    for ev in F.EVALUATIONS:
        facts[ev.key] = _df(con, f"SELECT * FROM {ev.fact} WHERE district_id = ? AND term_key = ?",
                            [district_id, term["term_key"]])
        rollups[ev.key] = _df(con, f"SELECT * FROM {ev.rollup} WHERE district_id = ? AND term_key = ?",
                              [district_id, term["term_key"]])
        if prev:
            prev_rollups[ev.key] = _df(con, f"SELECT * FROM {ev.rollup} WHERE district_id = ? AND term_key = ?",
                                       [district_id, prev["term_key"]])
    params = dict(con.execute(F.PARAMS_SQL).fetchall())
    return TermData(
        district_id=district_id,
        district_name=name[0] if name else district_id,
        term=term,
        previous_term=prev,
        registry=_df(con, F.REGISTRY_SQL),
        bands=_df(con, F.BANDS_SQL),
        params=params,
        schools=schools,
        facts=facts,
        rollups=rollups,
        previous_rollups=prev_rollups,
        training=_training(con, district_id, term, float(params["satisfaction_min_score"])),
        packages=_df(con, """
            SELECT p.project_id, p.project_name, p.training_level, p.subject, s.school_id AS base_school_id,
                   p.participants, p.trainee_visits, p.activities, p.outputs, p.completion_pct, p.satisfaction_pct
            FROM marts.fct_project_package p LEFT JOIN marts.dim_school s ON s.school_key = p.base_school_key
            WHERE p.district_id = ? ORDER BY p.project_id""", [district_id]),
        smart=_df(con, """
            SELECT * FROM marts.fct_smart_classroom_school_month
            WHERE district_id = ? AND month_start BETWEEN date_trunc('month', ?::DATE) AND ?::DATE
            ORDER BY school_id, month_start""", [district_id, term["start_date"], term["end_date"]]),
        practice=_practice(con, district_id),
    )


def _practice(con, district_id: str) -> dict:
    """The rest of 教科培 for the district report: one small query per mart (issue 17)."""
    def row(sql: str) -> dict:
        frame = _df(con, sql, [district_id])
        return frame.iloc[0].to_dict() if len(frame) else {}
    return {
        "stages": _df(con, """
            SELECT topic_stage, min(stage_order) AS stage_order, sum(topics) AS topics,
                   sum(overdue_topics) AS overdue_topics, sum(teachers_involved) AS teachers_involved
            FROM marts.fct_research_stage_summary WHERE district_id = ?
            GROUP BY topic_stage ORDER BY stage_order""", [district_id]),
        "groups": row("SELECT count(*) AS groups, sum(sub_topics) AS sub_topics FROM marts.fct_research_topic_group "
                      "WHERE district_id = ?"),
        "packages": row("SELECT * FROM marts.fct_project_package_programme WHERE district_id = ?"),
        "it20": row("SELECT count(*) AS schools, count(CASE WHEN in_roster THEN 1 END) AS roster_schools, "
                    "sum(teachers_enrolled) AS enrolled, sum(teachers_qualified) AS qualified "
                    "FROM marts.fct_it20_school WHERE district_id = ?"),
        "careers": row("SELECT * FROM marts.fct_career_summary WHERE district_id = ?"),
        "library": row("SELECT count(CASE WHEN is_listed THEN 1 END) AS listed, sum(uses) AS uses, "
                       "count(CASE WHEN uses > 0 THEN 1 END) AS used FROM marts.fct_resource_course WHERE district_id = ?"),
    }


def _training(con, district_id: str, term: dict, satisfied_from: float) -> pd.DataFrame:
    """Per teacher of the term: 学时/学分 (term), cycle progress (the cycle containing the term's
    start), survey answers and satisfied answers (score ≥ metric_params.satisfaction_min_score)."""
    return _df(con, """
        WITH cyc AS (
            SELECT * FROM marts.fct_teacher_training_cycle
            WHERE district_id = ? AND ?::DATE BETWEEN cycle_start AND cycle_end
        ),
        survey AS (
            SELECT r.teacher_id, count(*) AS survey_answers, count(CASE WHEN r.score >= ? THEN 1 END) AS satisfied_answers
            FROM marts.fct_survey_responses r
            WHERE r.district_id = ? AND r.day BETWEEN ?::DATE AND ?::DATE AND r.teacher_id IS NOT NULL
            GROUP BY 1
        )
        SELECT t.teacher_id, s.school_id, t.signin_hours, t.projects_attended, t.projects_completed,
               t.recognised_hours, t.recognised_credits, c.progress_pct, c.is_on_track, c.required_hours,
               coalesce(v.survey_answers, 0) AS survey_answers, coalesce(v.satisfied_answers, 0) AS satisfied_answers
        FROM marts.fct_teacher_training_term t
        LEFT JOIN marts.dim_school s ON s.school_key = t.school_key
        LEFT JOIN cyc c ON c.teacher_id = t.teacher_id
        LEFT JOIN survey v ON v.teacher_id = t.teacher_id
        WHERE t.district_id = ? AND t.term_key = ?""",
               [district_id, term["start_date"], satisfied_from, district_id, term["start_date"], term["end_date"],
                district_id, term["term_key"]])
