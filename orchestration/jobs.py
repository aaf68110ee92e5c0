"""The daily job, the nightly schedule and the landing sensor."""

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from orchestration.partitions import daily_partitions
from transforms.settings import SOURCES, paths

daily_job = dg.define_asset_job(
    "wudu_daily",
    # every asset and its checks; the freshness checks have their own morning job
    selection=dg.AssetSelection.all(),
    partitions_def=daily_partitions,
    description="Land, validate and model one day (or a range) of roster, platform and training exports, then publish.",
)

# Which trigger is on when a fresh instance starts (both can be toggled in the UI):
# "schedule" (default: the nightly run), "sensor" (run as soon as a day is complete), "both", "none".
TRIGGER = os.environ.get("WUDU_TRIGGER", "schedule")

# 02:00 China time, for the previous day's partition (the partition ends at midnight).
nightly_schedule = dg.build_schedule_from_partitioned_job(
    daily_job, name="wudu_nightly", hour_of_day=2, minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING if TRIGGER in ("schedule", "both")
    else dg.DefaultScheduleStatus.STOPPED,
)


def landing_fingerprint(day_dirs: list[Path]) -> str:
    """Names, sizes and mtimes of a day's files: a re-delivery changes it, a re-scan does not."""
    h = hashlib.sha256()
    for d in day_dirs:
        for f in sorted(d.rglob("*")):
            if f.is_file():
                st = f.stat()
                h.update(f"{f.relative_to(d.parent.parent)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def complete_days(landing: Path) -> dict[str, str]:
    """Days for which every source has delivered at least one file → fingerprint."""
    per_source = []
    for s in SOURCES:
        root = landing / s
        days = {d.name for d in root.iterdir() if d.is_dir() and any(d.iterdir())} if root.is_dir() else set()
        per_source.append(days)
    ready = set.intersection(*per_source) if per_source else set()
    keys = set(daily_partitions.get_partition_keys())
    return {day: landing_fingerprint([landing / s / day for s in SOURCES]) for day in sorted(ready & keys)}


@dg.sensor(job=daily_job, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING if TRIGGER in ("sensor", "both") else dg.DefaultSensorStatus.STOPPED,
           description="Starts a day's run as soon as roster, platform and training have all landed for it — "
                       "once per set of files (a re-delivery starts one more run).")
def landing_sensor(context: dg.SensorEvaluationContext):
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    landing = paths(os.environ.get("WUDU_DATA_DIR")).landing
    ready = complete_days(landing)
    requests = [
        dg.RunRequest(run_key=f"{day}:{fp}", partition_key=day, tags={"wudu/trigger": "landing_sensor"})
        for day, fp in ready.items() if seen.get(day) != fp
    ]
    seen.update(ready)
    context.update_cursor(json.dumps(seen, sort_keys=True))
    if not requests:
        return dg.SkipReason(f"no new complete day in {landing}")
    return requests
