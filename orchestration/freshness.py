"""Freshness: warn when a source has not landed for a school day (calendar from the dbt seed).
Runs on its own morning schedule, never inside a daily run: it measures against today (or
WUDU_TODAY, which the demo pins), and only from the first day anything landed — before a
centre's first delivery nothing can be late."""
import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.labels import CHECK_DESCRIPTIONS_ZH, labelled
from orchestration.partitions import START_DATE, TIMEZONE
from transforms.landing import day_folders
from transforms.school_calendar import is_workday
from transforms.settings import SOURCES, paths

LOOKBACK_DAYS = 14


def today() -> dt.date:
    override = os.environ.get("WUDU_TODAY")  # tests and replays pin "today"
    return dt.date.fromisoformat(override) if override else dt.datetime.now(ZoneInfo(TIMEZONE)).date()


def first_delivery(landing: Path) -> dt.date | None:
    """The earliest day any source delivered files for."""
    days = []
    for s in SOURCES:
        root = landing / s
        if root.is_dir():
            for d in root.iterdir():
                try:
                    day = dt.date.fromisoformat(d.name)
                except ValueError:
                    continue
                if d.is_dir() and any(d.iterdir()):
                    days.append(day)
    return min(days) if days else None


def missing_school_days(landing: Path, source: str, until: dt.date, lookback: int = LOOKBACK_DAYS) -> list[str]:
    started = first_delivery(landing) or dt.date.fromisoformat(START_DATE)  # nothing ever landed: all late
    first = max(dt.date.fromisoformat(START_DATE), started, until - dt.timedelta(days=lookback - 1))
    out = []
    for i in range((until - first).days + 1):
        d = first + dt.timedelta(days=i)
        folders = day_folders(landing / source, d.isoformat())  # 2026-9-7 counts as 2026-09-07
        if is_workday(d) and not any(any(f.iterdir()) for f in folders):
            out.append(d.isoformat())
    return out


def build_freshness_check(source: str) -> dg.AssetChecksDefinition:
    from orchestration.assets.raw import PRIMARY_TABLE, table_key

    @dg.asset_check(asset=table_key(source, PRIMARY_TABLE[source]), name="landing_freshness",
                    description=CHECK_DESCRIPTIONS_ZH["landing_freshness"] + f" WARN when {source} exports are missing for a school day in the last "
                                f"{LOOKBACK_DAYS} days up to yesterday (Asia/Shanghai; working days from the dbt holidays seed; "
                                f"from the first delivery on). Runs on the wudu_freshness_morning schedule.")
    def _check() -> dg.AssetCheckResult:
        until = today() - dt.timedelta(days=1)
        missing = missing_school_days(paths(os.environ.get("WUDU_DATA_DIR")).landing, source, until)
        return dg.AssetCheckResult(
            passed=not missing, severity=dg.AssetCheckSeverity.WARN,
            metadata=labelled({"checked_until": until.isoformat(), "missing_school_days": ", ".join(missing) or "none",
                               "missing_count": len(missing)}),
        )

    return _check


freshness_checks = [build_freshness_check(s) for s in SOURCES]
freshness_job = dg.define_asset_job("wudu_freshness", selection=dg.AssetSelection.checks(*freshness_checks),
                                    description="Checks that every source landed for each recent school day.")
freshness_schedule = dg.ScheduleDefinition(
    name="wudu_freshness_morning", job=freshness_job, cron_schedule="0 8 * * *", execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING)
