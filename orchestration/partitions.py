"""One daily partitions definition shared by the raw assets and the dbt models (Asia/Shanghai)."""

import datetime as dt
import os

import dagster as dg

TIMEZONE = "Asia/Shanghai"
# The first day a centre's exports exist; configurable per deployment.
START_DATE = os.environ.get("WUDU_START_DATE", "2026-09-01")

daily_partitions = dg.DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE)


def window_days(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """(first day, last day) inclusive of the run's partition window (one day, or a backfill range)."""
    window = context.partition_time_window
    last = window.end - dt.timedelta(days=1)
    return window.start.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")


def days_between(first: str, last: str) -> list[str]:
    d0, d1 = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(d0 + dt.timedelta(days=i)).isoformat() for i in range((d1 - d0).days + 1)]
