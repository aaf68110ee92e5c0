"""Write the reports of a term: one per district and per school (teachers on demand), HTML + xlsx."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from wudu.reports import excel, html
from wudu.reports import model as M
from wudu.reports.data import TermData, load_term
from transforms.settings import paths


def _safe(name: str) -> str:
    """A file-name-safe form of an id (ids are roster sourcedIds: keep letters, digits, - _ .)."""
    return re.sub(r"[^\w.-]", "_", str(name))


def default_out_dir(data_dir: str | Path | None = None) -> Path:
    return paths(data_dir).data_dir / "reports"


@dataclass
class Written:
    term_id: str
    term_title: str
    district_html: list[Path] = field(default_factory=list)
    school_html: list[Path] = field(default_factory=list)
    teacher_html: list[Path] = field(default_factory=list)
    xlsx: list[Path] = field(default_factory=list)

    @property
    def all_html(self) -> list[Path]:
        return self.district_html + self.school_html + self.teacher_html


def _write(d: TermData, unit: M.Unit, folder: Path, cache: dict, with_excel: bool, out: Written) -> Path:
    stem = f"{unit.kind}-{_safe(unit.id)}"
    page = folder / f"{stem}.html"
    tmp = page.with_suffix(".html.tmp")
    tmp.write_text(html.render(d, unit, cache), encoding="utf-8")
    os.replace(tmp, page)  # a reader never opens a half-written page
    if with_excel:
        out.xlsx.append(excel.write(d, unit, folder / f"{stem}.xlsx"))
    return page


def build_reports(out_dir: str | Path | None = None, term: str | None = None, schools: list[str] | None = None,
                  teachers: list[str] | None = None, data_dir: str | Path | None = None,
                  with_excel: bool = True, district: bool = True) -> list[Written]:
    """Reports into <out_dir>/<term_id>/: district-<id>, school-<id> (all schools, or `schools`),
    teacher-<id> for `teachers`. Reads only the published analyst warehouse."""
    root = Path(out_dir) if out_dir else default_out_dir(data_dir)
    results = []
    for d in load_term(data_dir, term):
        folder = root / _safe(d.term["term_id"])
        folder.mkdir(parents=True, exist_ok=True)
        out = Written(str(d.term["term_id"]), str(d.term["term_title"]))
        cache: dict = {}
        wanted = set(schools or [])
        unknown = wanted - set(d.schools["school_id"]) - set(d.schools["school_code"].astype(str))
        if unknown:
            raise KeyError(f"unknown school(s) {sorted(unknown)}: use school_id or school_code from marts.dim_school")
        if district and not schools and not teachers:
            out.district_html.append(_write(d, M.district_unit(d), folder, cache, with_excel, out))
        if not teachers or schools:
            for s in d.schools.to_dict("records"):
                if wanted and s["school_id"] not in wanted and str(s["school_code"]) not in wanted:
                    continue
                out.school_html.append(_write(d, M.school_unit(d, s["school_id"]), folder, cache, with_excel, out))
        for t in teachers or []:
            out.teacher_html.append(_write(d, M.teacher_unit(d, t), folder, cache, with_excel, out))
        results.append(out)
    return results
