"""The committed holiday seed is exactly what `chinese-calendar` says for the years it covers."""
import csv

from transforms.school_calendar import HOLIDAYS_SEED, SEED_COLUMNS, calendar_rows, is_workday, seed_years


def test_seed_matches_chinese_calendar():
    with open(HOLIDAYS_SEED, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert tuple(next(reader)) == SEED_COLUMNS  # dbt models rely on these columns
        committed = [tuple(r) for r in reader]
    years = seed_years()
    assert years, "the seed is empty"
    assert committed == calendar_rows(years), "regenerate: python -m transforms.school_calendar"


def test_makeup_saturday_is_a_workday_and_national_day_is_not():
    import datetime as dt

    assert is_workday(dt.date(2026, 9, 20))      # Sunday, 国庆节调休上班
    assert not is_workday(dt.date(2026, 10, 5))  # Monday, 国庆节
