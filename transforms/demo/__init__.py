"""A deterministic demo district: the daily exports a teacher-development centre receives
(OneRoster rosters, smart-platform lessons / xAPI statements / observations, training-system
spreadsheets), with realistic file quirks and logged row-level defects.

    from transforms.demo import generate_demo_district
    summary = generate_demo_district(Path("data"), date(2026, 9, 7), days=28, scale="district")

Files go to `<out_dir>/landing/<source>/<YYYY-MM-DD>/`; the defect log to
`<out_dir>/_demo/mutations.jsonl` and the summary to `<out_dir>/_demo/summary.json` — the answer
key, kept outside landing/ (every file there must be a delivery, or it is reported).
The same arguments always give byte-identical files, and a day's files do not depend on how many
days are generated after it."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np

from transforms.demo.calendar import days_needed, is_school_day
from transforms.demo.careers import Careers
from transforms.settings import mark_demo_data_dir
from transforms.demo.mutators import MutationLog, rates_from, RULES
from transforms.demo.platform import Platform
from transforms.demo.programmes import Programmes
from transforms.demo.research import Research
from transforms.demo.roster import RosterDay
from transforms.demo.training import Training
from transforms.demo.world import SCALES, World

__all__ = ["generate_demo_district", "is_school_day", "days_needed", "SCALES", "RULES"]

SOURCES = ("roster", "platform", "training")


def generate_demo_district(out_dir: Path, start: dt.date, days: int, scale: str = "district", seed: int = 20260907,
                           error_rate: float = 0.01, error_rates: dict[str, float] | None = None,
                           compress: bool = False) -> dict:
    """Write `days` calendar days of exports from `start`; return headline counts.

    error_rate: share of data rows given one defect, split evenly over the rules that can occur in
    each table; error_rates: per-rule shares instead (keys from RULES), e.g. {"duplicate_key": 0.02};
    compress: statements as .jsonl.gz and the roster as OneRoster's zip every day (a city day
    uncompressed is 3.2 GB: twenty school days of it outgrow the disk)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    out_dir = Path(out_dir)
    landing = out_dir / "landing"
    world = World(scale, seed, start)
    day_list = [start + dt.timedelta(days=i) for i in range(days)]
    for d in day_list:  # a re-run replaces the days it writes, nothing else
        for src in SOURCES:
            shutil.rmtree(landing / src / d.isoformat(), ignore_errors=True)
    demo = out_dir / "_demo"  # not under landing/: it is no delivery
    demo.mkdir(parents=True, exist_ok=True)
    mark_demo_data_dir(out_dir)  # the public demo key is honoured only in this directory
    log = MutationLog(demo / "mutations.jsonl", rates_from(error_rate, error_rates),
                      total=None if error_rates else error_rate, keep_days_except={d.isoformat() for d in day_list})
    platform = Platform(world, landing, log, compress)
    training = Training(world, landing, log)
    practice = [Research(world, landing, log), Careers(world, landing, log),  # issue 17: the rest of 教科培
                Programmes(world, landing, log, training)]
    changes = []
    roster_rows = {}
    try:
        for d in day_list:
            changes += [(d, c) for c in world.apply_changes(d)]
            ref_t = np.zeros(world.n_teachers, bool)
            ref_s = np.zeros(world.n_students, bool)
            training.day(d, ref_t)
            for exporter in practice:
                exporter.day(d, ref_t)
            platform.day(d, ref_t, ref_s)
            roster_rows = RosterDay(world, d, landing, log, ref_t, ref_s, compress).write()
    finally:
        log.close()
    summary = _summary(world, start, day_list, platform, training, log, changes, roster_rows, error_rate)
    for exporter in practice:
        summary.update(exporter.figures())
    (demo / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def _summary(world, start, day_list, platform, training, log, changes, roster_rows, error_rate) -> dict:
    schools = world.schools
    teachers, students = world.n_teachers, world.n_students
    t_dev = sum(s.teacher_devices for s in schools)
    s_dev = sum(s.student_devices for s in schools)
    verbs = ["answered", "assigned", "submitted", "graded", "scored", "experienced", "uploaded", "downloaded"]
    out = {
        "scale": world.scale.name, "seed": world.seed, "start": start.isoformat(), "days": len(day_list),
        "last_day": day_list[-1].isoformat(), "school_days": sum(is_school_day(d) for d in day_list),
        "error_rate": error_rate,
        "schools": len(schools), "schools_urban": sum(s.urban for s in schools),
        "schools_rural": sum(not s.urban for s in schools),
        "schools_by_stage": {st: sum(s.stage == st for s in schools) for st in ("幼儿园", "小学", "初中")},
        "smart_schools": len(schools), "smart_classrooms": sum(s.smart_classrooms for s in schools),
        "teachers": teachers, "students": students, "classes": len(world.c_section),
        "teacher_devices": t_dev, "student_devices": s_dev,
        "teacher_devices_per_100": round(100 * t_dev / teachers, 2),
        "student_devices_per_100": round(100 * s_dev / students, 2),
        **training.package_figures(),
        "lesson_sessions": platform.totals["lesson_sessions"],
        "observation_rows": platform.totals["observation_rows"],
        "student_evaluation_rows": platform.totals["student_evaluation_rows"],
        "statements": sum(platform.totals[v] for v in verbs),
        "statements_by_verb": {v: platform.totals[v] for v in verbs},
        "homework_student_days_written": platform.breach["student_days_with_written_homework"],
        "homework_student_days_over_limit": platform.breach["student_days_over_limit"],
        "signins": training.totals["signins"], "survey_rows": training.totals["survey_responses"],
        "credit_audits": training.totals["credit_audits"],
        "roster_rows_last_day": roster_rows,
        "teacher_transfers": sum(c.kind == "transfer" for _, c in changes),
        "title_changes": sum(c.kind == "title" for _, c in changes),
        "students_left": sum(c.kind == "leave" for _, c in changes),
        "changes": [{"day": d.isoformat(), "kind": c.kind,
                     "id": world.student_id(c.who) if c.kind == "leave" else world.teacher_id(c.who),
                     **({"to": schools[c.to].sourced_id} if c.kind == "transfer" else {})} for d, c in changes],
        "mutations": sum(log.counts.values()),
        "mutations_by_rule": {r: log.counts[r] for r in RULES},
    }
    return out
