"""The one mapping from mart columns to report fields, and the one rule for why a score is missing.

When the 五度 marts gain or rename columns (coverage, confidence, a NULL reason of their own), this
module is the only place the reports change: every query and every label below reads from here.
Dimension names/labels come from the registry `seeds.five_degree_dimensions`, bands from
`seeds.five_degree_bands`; nothing here lists dimensions or bands literally.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Evaluation:
    """One of the two 五度 evaluations and where its marts are."""

    key: str            # `evaluation` in seeds.five_degree_dimensions
    label_zh: str
    label_en: str
    person_zh: str
    person_en: str
    fact: str           # one row per person per term
    rollup: str         # one row per term, roll-up level and group
    person_id: str      # person column of the fact


TEACHING = Evaluation("teacher", "五度评教", "five-degree teaching evaluation", "教师", "teachers",
                      "marts.fct_teacher_five_degree_term", "marts.fct_teacher_five_degree_rollup", "teacher_id")
LEARNING = Evaluation("student", "五度评学", "five-degree learning evaluation", "学生", "students",
                      "marts.fct_student_five_degree_term", "marts.fct_student_five_degree_rollup", "student_id")
EVALUATIONS = (TEACHING, LEARNING)

# Columns shared by both facts / both roll-ups.
FACT_OVERALL = "overall_score"
FACT_BAND = "band"
ROLLUP_OVERALL = "avg_overall_score"
ROLLUP_PERSONS = "n_persons"
ROLLUP_SCORED = "n_scored"
# roll-up levels the reports use (values of rollup_level)
LEVEL_DISTRICT, LEVEL_SCHOOL, LEVEL_STAGE, LEVEL_AREA = "district", "school", "stage", "urban_rural"


def score_column(dimension: str) -> str:
    """Person-level score of a dimension in the fact (NULL when not scored)."""
    return dimension


def evidence_column(dimension: str) -> str:
    """Person-level evidence count behind a dimension score."""
    return f"evidence_{dimension}"


def rollup_avg_column(dimension: str) -> str:
    return f"avg_{dimension}"


def rollup_n_column(dimension: str) -> str:
    """Persons of the group with a non-NULL score on the dimension."""
    return f"n_{dimension}"


REGISTRY_SQL = ("SELECT evaluation, dimension, label_zh, sort_order, min_evidence "
                "FROM seeds.five_degree_dimensions ORDER BY evaluation, sort_order")
BANDS_SQL = "SELECT band, band_order, min_score FROM seeds.five_degree_bands ORDER BY band_order"
PARAMS_SQL = "SELECT param, value FROM seeds.metric_params"


def english_label(dimension: str) -> str:
    """The registry key read as English ("problem_precision" -> "problem precision")."""
    return dimension.replace("_", " ")


@dataclass(frozen=True)
class Dimension:
    evaluation: str
    key: str
    label_zh: str
    label_en: str
    min_evidence: int

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en}"


def dimensions(registry: pd.DataFrame, evaluation: Evaluation) -> list[Dimension]:
    rows = registry[registry["evaluation"] == evaluation.key].sort_values("sort_order")
    return [Dimension(evaluation.key, r.dimension, r.label_zh, english_label(r.dimension), int(r.min_evidence))
            for r in rows.itertuples()]


# ---- why a score is missing -------------------------------------------------------------------
# Derived today from what the marts have: evidence counts against the registry's min_evidence, and
# whether anybody in the 学段 district-wide is scored on the dimension at all.

REASON_NOT_APPLICABLE = ("本学段无此维度数据", "no one in this school stage is scored on it")


def person_missing_reason(evidence: int | None, min_evidence: int) -> tuple[str, str]:
    """(中文, English) reason a person's dimension is NULL."""
    n = int(evidence or 0)
    if n == 0:
        return ("无证据", "no evidence")
    return (f"证据不足 ({n} < {min_evidence})", f"too little evidence ({n} < {min_evidence})")


def group_missing_reason(n_persons: int, stage_scored: int | None, min_evidence: int) -> tuple[str, str]:
    """(中文, English) reason a group's average is NULL: none of its persons is scored."""
    if stage_scored == 0:
        return REASON_NOT_APPLICABLE
    if not n_persons:
        return ("无人员", "nobody in this unit")
    return (f"{n_persons} 人均证据不足 (每人需 ≥ {min_evidence})",
            f"none of {n_persons} has enough evidence (needs ≥ {min_evidence} each)")
