"""Freshness: warn when a source has not landed for a school day (calendar from the dbt seed)."""
import csv
import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.partitions import START_DATE, TIMEZONE
from wudu.settings import SOURCES, paths

HOLIDAYS_SEED = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "holidays.csv"
LOOKBACK_DAYS = 14


@lru_cache(maxsize=1)
def _calendar() -> tuple[frozenset, frozenset]:
    holidays, makeup = set(), set()
    if HOLIDAYS_SEED.exists():
        with open(HOLIDAYS_SEED, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                d = dt.date.fromisoformat(row["holiday_date"])
                (makeup if row.get("day_type") == "makeup_workday" else holidays).add(d)
    return frozenset(holidays), frozenset(makeup)


def is_school_day(day: dt.date) -> bool:
    holidays, makeup = _calendar()
    return day in makeup or (day.weekday() < 5 and day not in holidays)


def today() -> dt.date:
    override = os.environ.get("WUDU_TODAY")  # tests and replays pin "today"
    return dt.date.fromisoformat(override) if override else dt.datetime.now(ZoneInfo(TIMEZONE)).date()


def missing_school_days(landing: Path, source: str, until: dt.date, lookback: int = LOOKBACK_DAYS) -> list[str]:
    first = max(dt.date.fromisoformat(START_DATE), until - dt.timedelta(days=lookback - 1))
    out = []
    for i in range((until - first).days + 1):
        d = first + dt.timedelta(days=i)
        folder = landing / source / d.isoformat()
        if is_school_day(d) and not (folder.is_dir() and any(folder.iterdir())):
            out.append(d.isoformat())
    return out


def build_freshness_check(source: str) -> dg.AssetChecksDefinition:
    from orchestration.assets.raw import PRIMARY_TABLE, table_key

    @dg.asset_check(asset=table_key(source, PRIMARY_TABLE[source]), name="landing_freshness",
                    description=f"WARN when {source} exports are missing for a school day in the last "
                                f"{LOOKBACK_DAYS} days up to yesterday (Asia/Shanghai; holidays from the dbt seed).")
    def _check() -> dg.AssetCheckResult:
        until = today() - dt.timedelta(days=1)
        missing = missing_school_days(paths(os.environ.get("WUDU_DATA_DIR")).landing, source, until)
        return dg.AssetCheckResult(
            passed=not missing, severity=dg.AssetCheckSeverity.WARN,
            metadata={"checked_until": until.isoformat(), "missing_school_days": ", ".join(missing) or "none",
                      "missing_count": len(missing)},
        )

    return _check


freshness_checks = [build_freshness_check(s) for s in SOURCES]
freshness_job = dg.define_asset_job("wudu_freshness", selection=dg.AssetSelection.checks(*freshness_checks),
                                    description="Checks that every source landed for each recent school day.")
freshness_schedule = dg.ScheduleDefinition(
    name="wudu_freshness_morning", job=freshness_job, cron_schedule="0 8 * * *", execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING)
