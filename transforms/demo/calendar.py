"""School calendar of the demo district: terms, public holidays and make-up working days (调休).

A school day is a weekday (or a make-up Saturday/Sunday) inside a term that is not a public
holiday. Holidays follow the State Council's published arrangement for 2025 and 2026; 2027 dates
are the festival days themselves (vacations cover 元旦 and 春节)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def _span(first: str, last: str) -> set[dt.date]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return {a + dt.timedelta(days=i) for i in range((b - a).days + 1)}


HOLIDAYS: dict[dt.date, str] = {}
for _name, _first, _last in [
    ("元旦", "2025-01-01", "2025-01-01"), ("春节", "2025-01-28", "2025-02-04"),
    ("清明节", "2025-04-04", "2025-04-06"), ("劳动节", "2025-05-01", "2025-05-05"),
    ("端午节", "2025-05-31", "2025-06-02"), ("国庆节", "2025-10-01", "2025-10-05"),
    ("中秋节", "2025-10-06", "2025-10-08"),
    ("元旦", "2026-01-01", "2026-01-03"), ("春节", "2026-02-15", "2026-02-23"),
    ("清明节", "2026-04-04", "2026-04-06"), ("劳动节", "2026-05-01", "2026-05-05"),
    ("端午节", "2026-06-19", "2026-06-21"), ("中秋节", "2026-09-25", "2026-09-27"),
    ("国庆节", "2026-10-01", "2026-10-07"),
    ("元旦", "2027-01-01", "2027-01-01"), ("春节", "2027-02-06", "2027-02-12"),
    ("清明节", "2027-04-05", "2027-04-05"), ("劳动节", "2027-05-01", "2027-05-05"),
    ("端午节", "2027-06-09", "2027-06-09"),
]:
    for _d in _span(_first, _last):
        HOLIDAYS[_d] = _name

# weekend days that are working (and school) days because of a holiday swap
MAKEUP_WORKDAYS = {dt.date.fromisoformat(s) for s in [
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
]}


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


def is_workday(d: dt.date) -> bool:
    if d in HOLIDAYS:
        return False
    return d.weekday() < 5 or d in MAKEUP_WORKDAYS


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
