"""Proof against planted truth: the demo district draws a latent teaching quality per teacher and an
ability (and a growth trend) per student; after the whole pipeline (demo exports -> raw -> dbt ->
published warehouse, one Dagster run over the window) the 五度 marts must recover them.

The district is generated and run ONCE per session (20 school days, the published warehouse is read
read-only by every test). The truth comes from the generator's own world
(`World.planted_truth()`), never re-derived from the exports."""
from __future__ import annotations

import datetime as dt
import shutil
import time

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline_helpers import WITHOUT_REPORTS, materialize_range

SCHOOL_DAYS = 20
START = dt.date(2026, 10, 12)  # a Monday after National Day: 20 school days in 26 calendar days
TEACHER_DIMS = ["problem_precision", "context_authenticity", "activity_interaction", "digital_effectiveness",
                "assessment_targeting"]
STUDENT_DIMS = ["participation", "engagement", "attainment", "growth", "workload"]
# the planted quantity each score should follow (growth follows the trend, not the level)
TRUTH_OF = {**{d: "quality" for d in TEACHER_DIMS + ["teacher_overall"]},
            **{d: "ability" for d in STUDENT_DIMS + ["student_overall"]}, "growth": "trend"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def planted(tmp_path_factory):
    """(teacher mart ⋈ truth, student mart ⋈ truth, seconds taken)."""
    from transforms.demo import days_needed, generate_demo_district
    from transforms.demo.world import World

    data = tmp_path_factory.mktemp("planted")
    days = days_needed(START, SCHOOL_DAYS)
    started = time.monotonic()
    summary = generate_demo_district(data, START, days, scale="district")
    assert summary["school_days"] == SCHOOL_DAYS
    generated = time.monotonic()
    last = (START + dt.timedelta(days=days - 1)).isoformat()
    result = materialize_range(data, START.isoformat(), last, selection=WITHOUT_REPORTS)  # reads marts only
    assert result.success
    ran = time.monotonic()
    truth = World("district", summary["seed"], START).planted_truth()
    with duckdb.connect(str(data / "warehouse" / "wudu.duckdb"), read_only=True) as con:
        teachers = con.execute("SELECT * FROM marts.fct_teacher_five_degree_term").df()
        students = con.execute("SELECT * FROM marts.fct_student_five_degree_term").df()
        coverage = con.execute("SELECT * FROM marts.fct_teacher_observation_coverage_term").df()
    teachers = teachers.merge(pd.DataFrame(truth["teachers"])[["teacher_id", "quality", "urban"]], on="teacher_id")
    students = students.merge(pd.DataFrame(truth["students"])[["student_id", "ability", "trend", "urban"]],
                              on="student_id")
    print(f"\nplanted-truth district: generate {generated - started:.0f} s, pipeline {ran - generated:.0f} s "
          f"({days} days, {summary['teachers']} teachers, {summary['students']} students)")
    yield teachers, students, coverage
    shutil.rmtree(data, ignore_errors=True)  # ~1 GB of exports and warehouse


def spearman(a: pd.Series, b: pd.Series) -> float:
    ok = a.notna() & b.notna()
    return float(a[ok].rank().corr(b[ok].rank()))


def dimension_table(teachers: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """Per dimension: NULL share, share at exactly 0 / 100 among scored persons, mean, sd, Spearman ρ
    against the planted truth (the table docs/metrics.md publishes)."""
    rows = []
    for who, frame, dims in (("teacher", teachers, TEACHER_DIMS), ("student", students, STUDENT_DIMS)):
        for d in dims + ["overall_score"]:
            v = frame[d]
            scored = v.dropna()
            truth = TRUTH_OF[f"{who}_overall" if d == "overall_score" else d]
            rows.append({"evaluation": who, "dimension": d, "n": len(v), "null_pct": 100 * v.isna().mean(),
                         "zero_pct": 100 * (scored == 0).mean(), "hundred_pct": 100 * (scored == 100).mean(),
                         "mean": scored.mean(), "sd": scored.std(), "rho": spearman(v, frame[truth]),
                         "truth": truth})
    return pd.DataFrame(rows)


def test_no_dimension_is_saturated_and_each_follows_its_truth(planted):
    teachers, students, _ = planted
    table = dimension_table(teachers, students)
    print("\n" + table.round(2).to_string(index=False))
    assert (table["zero_pct"] <= 25).all() and (table["hundred_pct"] <= 25).all(), table
    # every dimension carries the planted signal (none is noise or anti-correlated)
    assert (table["rho"] > 0.1).all(), table


def test_teacher_scores_recover_latent_quality(planted):
    teachers, _, _ = planted
    high = teachers[teachers["confidence"] == "高"]
    assert len(high) >= 200
    assert spearman(high["overall_score"], high["quality"]) >= 0.6


def test_student_scores_recover_latent_ability(planted):
    _, students, _ = planted
    high = students[students["confidence"] == "高"]
    assert len(high) >= 2000
    assert spearman(high["overall_score"], high["ability"]) >= 0.6


def test_being_observed_does_not_move_a_teachers_score(planted):
    """Teachers of the same latent quality score the same whether or not anyone observed them:
    regress overall_score on quality and an observed flag; the flag's coefficient is the gap."""
    teachers, _, _ = planted
    t = teachers[teachers["overall_score"].notna()].copy()
    t["observed"] = (t["observations_received"] > 0).astype(float)
    assert t["observed"].sum() >= 100 and (1 - t["observed"]).sum() >= 100
    x = np.column_stack([np.ones(len(t)), t["quality"], t["observed"]])
    beta, *_ = np.linalg.lstsq(x, t["overall_score"].to_numpy(), rcond=None)
    assert abs(beta[2]) < 2, beta
    # and within quality quintiles the two groups' means are close too
    t["q5"] = pd.qcut(t["quality"], 5, labels=False)
    gaps = t.groupby("q5").apply(lambda g: g.loc[g.observed == 1, "overall_score"].mean()
                                 - g.loc[g.observed == 0, "overall_score"].mean(), include_groups=False)
    assert abs(gaps.mean()) < 2, gaps


def test_the_planted_urban_rural_gap_is_found(planted):
    """Rural teachers were drawn 0.35 sd lower in quality and rural students 0.3 sd lower in ability;
    the marts must show urban > rural, clearly beyond noise."""
    teachers, students, _ = planted
    for frame, dims in ((teachers, TEACHER_DIMS), (students, STUDENT_DIMS)):
        f = frame[frame["overall_score"].notna()]
        urban, rural = f.loc[f["urban_rural"] == "城镇", "overall_score"], f.loc[f["urban_rural"] == "乡村", "overall_score"]
        gap = urban.mean() - rural.mean()
        se = np.sqrt(urban.var() / len(urban) + rural.var() / len(rural))
        assert gap / se > 3, (gap, se)


def test_dimensions_that_do_not_apply_are_null_with_a_reason(planted):
    _, students, _ = planted
    kg = students[students["stage"] == "幼儿园"]
    assert len(kg) > 200
    for d in ("participation", "engagement", "attainment", "growth", "workload"):
        assert kg[d].isna().all() and (kg[d] != 0).all()
        assert kg[f"{d}_null_reason"].notna().all()
    assert kg["participation_null_reason"].str.startswith("不适用").all()


def test_observation_coverage_per_teacher(planted):
    """Observations owed (policy by title, pro-rated to the days so far) against received; the planted
    rural shortfall shows."""
    _, _, coverage = planted
    assert (coverage["observations_expected_term"] >= 2).all()
    assert (coverage["observations_received"] >= 0).all()
    urban = coverage[coverage["urban_rural"] == "城镇"]["coverage_pct"].mean()
    rural = coverage[coverage["urban_rural"] == "乡村"]["coverage_pct"].mean()
    assert urban > rural
