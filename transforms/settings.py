"""Where things live. Every path derives from WUDU_DATA_DIR so tests and runs stay isolated."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SOURCES = ("roster", "platform", "training")
DEMO_PII_KEY = "wudu-demo-key-not-for-production"
# Written by the demo generator into the data directory it creates: the demo key is honoured only
# where this marker exists, so WUDU_DEMO=1 left in a shell (or a Makefile) never applies to real data.
DEMO_MARKER = ".wudu-demo"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse_dir / "build" / "wudu_build.duckdb"

    @property
    def published_db(self) -> Path:
        return self.warehouse_dir / "wudu.duckdb"

    @property
    def gx_docs(self) -> Path:
        return self.data_dir / "gx_docs"


def data_dir() -> Path:
    return Path(os.environ.get("WUDU_DATA_DIR", "./data")).resolve()


def paths(root: str | Path | None = None) -> Paths:
    return Paths(Path(root).resolve() if root else data_dir())


def default_dagster_home(root: str | Path | None = None) -> Path:
    """The Dagster instance of a data directory when DAGSTER_HOME is not set: it follows the data,
    not the current directory, so every command on one data directory shares one run history."""
    return paths(root).data_dir / ".dagster_home"


def is_demo_data_dir(root: str | Path | None = None) -> bool:
    return (paths(root).data_dir / DEMO_MARKER).is_file()


def mark_demo_data_dir(root: str | Path) -> None:
    marker = Path(root) / DEMO_MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("written by the wudu demo generator: WUDU_DEMO=1 may use the public demo key here\n")


class MissingPiiKeyError(RuntimeError):
    """Real data and no key: nothing may be landed (the demo key is public)."""


def pii_key(root: str | Path | None = None) -> bytes:
    """The pseudonymisation key. Outside the demo data directory a missing key is an error, never a default."""
    key = os.environ.get("WUDU_PII_KEY")
    if key:
        return key.encode()
    demo = os.environ.get("WUDU_DEMO") == "1"
    if demo and is_demo_data_dir(root):
        return DEMO_PII_KEY.encode()
    where = paths(root).data_dir
    why = (f"WUDU_DEMO=1 is ignored because {where} is not a demo data directory (no {DEMO_MARKER} marker; "
           "only `wudu demo-data` writes one)" if demo else f"the data directory is {where}")
    raise MissingPiiKeyError(
        "未设置 WUDU_PII_KEY，个人信息无法假名化 · WUDU_PII_KEY is not set: personal data cannot be pseudonymised "
        f"({why}). Set WUDU_PII_KEY to the centre's secret key."
    )
