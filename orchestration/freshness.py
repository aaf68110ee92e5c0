"""Freshness: warn when a source has not landed for a school day (calendar from the dbt seed)."""
import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.partitions import START_DATE, TIMEZONE
from transforms.school_calendar import is_workday
from transforms.settings import SOURCES, paths

LOOKBACK_DAYS = 14


def today() -> dt.date:
    override = os.environ.get("WUDU_TODAY")  # tests and replays pin "today"
    return dt.date.fromisoformat(override) if override else dt.datetime.now(ZoneInfo(TIMEZONE)).date()


def missing_school_days(landing: Path, source: str, until: dt.date, lookback: int = LOOKBACK_DAYS) -> list[str]:
    first = max(dt.date.fromisoformat(START_DATE), until - dt.timedelta(days=lookback - 1))
    out = []
    for i in range((until - first).days + 1):
        d = first + dt.timedelta(days=i)
        folder = landing / source / d.isoformat()
        if is_workday(d) and not (folder.is_dir() and any(folder.iterdir())):
            out.append(d.isoformat())
    return out


def build_freshness_check(source: str) -> dg.AssetChecksDefinition:
    from orchestration.assets.raw import PRIMARY_TABLE, table_key

    @dg.asset_check(asset=table_key(source, PRIMARY_TABLE[source]), name="landing_freshness",
                    description=f"WARN when {source} exports are missing for a school day in the last "
                                f"{LOOKBACK_DAYS} days up to yesterday (Asia/Shanghai; working days from the dbt holidays seed).")
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
