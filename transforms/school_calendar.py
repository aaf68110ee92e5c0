"""The working-day calendar (public holidays and 调休 make-up days), read from the dbt seed
`holidays.csv` — the one copy that dim_date, the freshness checks and the demo district share."""
from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

HOLIDAYS_SEED = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "holidays.csv"


@lru_cache(maxsize=1)
def load_calendar() -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """(public holidays → name, weekend days that are working days)."""
    holidays: dict[dt.date, str] = {}
    makeup: set[dt.date] = set()
    with open(HOLIDAYS_SEED, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            day = dt.date.fromisoformat(row["holiday_date"])
            if row["day_type"] == "makeup_workday":
                makeup.add(day)
            else:
                holidays[day] = row["name_zh"]
    return holidays, frozenset(makeup)


def is_workday(day: dt.date) -> bool:
    holidays, makeup = load_calendar()
    return day in makeup or (day.weekday() < 5 and day not in holidays)
