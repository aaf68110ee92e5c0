"""School calendar of the demo district: terms, public holidays and make-up working days (调休).

A school day is a weekday (or a make-up Saturday/Sunday) inside a term that is not a public
holiday. Holidays follow the State Council's published arrangement for 2025 and 2026; 2027 dates
are the festival days themselves (vacations cover 元旦 and 春节)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from transforms.school_calendar import is_workday




@dataclass(frozen=True)
class Session:
    sourced_id: str
    title: str
    type: str  # schoolYear | term
    start: dt.date
    end: dt.date
    parent: str
    school_year: int


def _sessions() -> list[Session]:
    out = []
    for year, t1, t2 in [
        (2026, ("2025-09-01", "2026-01-23"), ("2026-03-02", "2026-07-03")),
        (2027, ("2026-09-01", "2027-01-20"), ("2027-02-20", "2027-07-05")),
    ]:
        y = f"y{year}"
        label = f"{year - 1}-{year}学年"
        first, last = dt.date.fromisoformat(t1[0]), dt.date.fromisoformat(t2[1])
        out.append(Session(y, label, "schoolYear", first, last, "", year))
        for n, (a, b) in enumerate((t1, t2), start=1):
            name = "第一学期" if n == 1 else "第二学期"
            out.append(Session(f"t{year}-{n}", label + name, "term", dt.date.fromisoformat(a),
                               dt.date.fromisoformat(b), y, year))
    return out


ACADEMIC_SESSIONS = _sessions()
TERMS = [s for s in ACADEMIC_SESSIONS if s.type == "term"]


def term_of(d: dt.date) -> Session | None:
    return next((t for t in TERMS if t.start <= d <= t.end), None)


def current_term(d: dt.date) -> Session:
    """The term containing the day, else the next one to start (vacations belong to the next term)."""
    t = term_of(d)
    if t:
        return t
    later = [t for t in TERMS if t.start > d]
    return later[0] if later else TERMS[-1]


def is_school_day(d: dt.date) -> bool:
    """Lessons happen: a working day inside a term."""
    return is_workday(d) and term_of(d) is not None


def next_school_day(d: dt.date) -> dt.date:
    n = d + dt.timedelta(days=1)
    for _ in range(400):
        if is_school_day(n):
            return n
        n += dt.timedelta(days=1)
    return d + dt.timedelta(days=1)


def days_needed(start: dt.date, school_days: int) -> int:
    """Calendar days from start that contain the given number of school days."""
    n, seen = 0, 0
    while seen < school_days and n < 3650:
        seen += is_school_day(start + dt.timedelta(days=n))
        n += 1
    return n
