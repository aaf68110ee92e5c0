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


# The State Council's arrangement as tracked by the `chinese-calendar` package (holidays and 调休
# working days per year); its English holiday names mapped to the names the seed has always used.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
SEED_COLUMNS = ("holiday_date", "name_zh", "day_type")


def calendar_rows(years: list[int]) -> list[tuple[str, str, str]]:
    """Seed rows for the given years, from `chinese-calendar`. A year the package does not know yet
    raises: the seed never carries guessed dates (add the year once the notice is published)."""
    from chinese_calendar import constants

    known = {d.year for d in constants.holidays}
    unknown = sorted(set(years) - known)
    if unknown:
        raise ValueError(f"chinese-calendar has no arrangement for {unknown}: upgrade the package once the "
                         f"State Council's notice (国务院办公厅关于部分节假日安排的通知) is out")
    rows = []
    for day, name in constants.holidays.items():
        if day.year in years:
            rows.append((day.isoformat(), HOLIDAY_NAMES_ZH[name], "holiday"))
    for day, name in constants.workdays.items():
        # `workdays` lists only the weekend days that are worked (调休上班)
        if day.year in years:
            rows.append((day.isoformat(), f"{HOLIDAY_NAMES_ZH[name]}调休上班", "makeup_workday"))
    return sorted(rows)


def seed_years() -> list[int]:
    with open(HOLIDAYS_SEED, encoding="utf-8") as fh:
        return sorted({int(row["holiday_date"][:4]) for row in csv.DictReader(fh)})


def write_seed(years: list[int], path: Path = HOLIDAYS_SEED) -> int:
    """Regenerate the dbt seed: `python -m transforms.school_calendar 2025 2026`."""
    rows = calendar_rows(years)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")  # the seed has always had CRLF endings
        w.writerow(SEED_COLUMNS)
        w.writerows(rows)
    load_calendar.cache_clear()
    return len(rows)


if __name__ == "__main__":
    import sys

    wanted = [int(y) for y in sys.argv[1:]] or seed_years()
    print(f"{write_seed(wanted)} rows written to {HOLIDAYS_SEED} for {wanted}")
