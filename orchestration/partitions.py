"""One daily partitions definition shared by the raw assets and the dbt models (Asia/Shanghai)."""

import datetime as dt
import os

import dagster as dg

TIMEZONE = "Asia/Shanghai"
# The first day a centre's exports exist; configurable per deployment.
START_DATE = os.environ.get("WUDU_START_DATE", "2026-09-01")

daily_partitions = dg.DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE)

# A backfill runs in consecutive windows of at most this many days, one Dagster run each (a UI
# backfill and `wudu run` alike). A window's dbt build holds every statement of its days at once:
# a city's 33 days spilled ≈ 27 GB beside a 36 GB build file and took 20 minutes
# (docs/benchmarks.md, `term20b`); a whole term in one window would not fit this machine's disk.
MAX_DAYS_PER_RUN = int(os.environ.get("WUDU_MAX_DAYS_PER_RUN", "31"))


def backfill_policy() -> dg.BackfillPolicy:
    """The one backfill policy of every daily asset (Dagster puts assets into the same run only
    when their policies agree)."""
    return dg.BackfillPolicy.multi_run(max_partitions_per_run=MAX_DAYS_PER_RUN)


def run_windows(first: str, last: str, per_day: bool = False) -> list[tuple[str, str]]:
    """The (first, last) windows `wudu run` runs one after the other: the backfill policy's
    windows, or one day each."""
    days = days_between(first, last)
    size = 1 if per_day else MAX_DAYS_PER_RUN
    return [(days[i], days[min(i + size, len(days)) - 1]) for i in range(0, len(days), size)]


def window_days(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """(first day, last day) inclusive of the run's partition window (one day, or a backfill range)."""
    window = context.partition_time_window
    last = window.end - dt.timedelta(days=1)
    return window.start.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")


def days_between(first: str, last: str) -> list[str]:
    d0, d1 = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(d0 + dt.timedelta(days=i)).isoformat() for i in range((d1 - d0).days + 1)]
