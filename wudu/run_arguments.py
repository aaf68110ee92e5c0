"""Arguments of `wudu run` / `wudu rebuild`, checked before anything runs: a nonsense window or a
data directory pointing nowhere stops with the reason, before a warehouse or Dagster home is created."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from transforms.settings import SOURCES, paths


class ArgumentError(ValueError):
    """A bad argument: the command exits 2 without touching anything."""


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ArgumentError(f"{option} {text!r}: 日期格式应为 YYYY-MM-DD · expected a date YYYY-MM-DD") from None


def run_window(start: str, days: int | None, end: str | None) -> tuple[str, str]:
    """(first, last) inclusive. --days counts calendar days from --start (at least 1); --end is the last day."""
    first = parse_day(start, "--start")
    if days is not None and end is not None:
        raise ArgumentError("give --days or --end, not both")
    if end is not None:
        last = parse_day(end, "--end")
        if last < first:
            raise ArgumentError(f"--end {last} is before --start {first}: 结束日期早于开始日期 · nothing to run")
    else:
        n = 1 if days is None else days
        if n < 1:
            raise ArgumentError(f"--days {n}: 天数至少为 1 · at least one day")
        last = first + dt.timedelta(days=n - 1)
    return first.isoformat(), last.isoformat()


def existing_data_dir(data_dir: str | Path | None) -> Path:
    """The data directory and its landing folder must exist: a typo must not create a new warehouse."""
    p = paths(data_dir)
    if not p.data_dir.is_dir():
        raise ArgumentError(f"数据目录不存在 · data directory {p.data_dir} does not exist "
                            "(set WUDU_DATA_DIR or --data-dir to the centre's data directory)")
    if not p.landing.is_dir():
        raise ArgumentError(f"落地目录不存在 · landing folder {p.landing} does not exist "
                            f"(expected {p.landing}/<{'|'.join(SOURCES)}>/<YYYY-MM-DD>/)")
    return p.data_dir


def landed_days(data_dir: Path) -> list[str]:
    """Every day some source has a folder for, in order (what a rebuild from landing replays)."""
    days = set()
    for source in SOURCES:
        root = paths(data_dir).landing / source
        if root.is_dir():
            for d in root.iterdir():
                try:
                    days.add(dt.date.fromisoformat(d.name).isoformat())
                except ValueError:
                    continue
    return sorted(days)
