"""Where things live. Every path derives from WUDU_DATA_DIR so tests and runs stay isolated."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SOURCES = ("roster", "platform", "training")
DEMO_PII_KEY = "wudu-demo-key-not-for-production"


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


def pii_key() -> bytes:
    """The pseudonymisation key. Outside demo mode a missing key is an error, never a default."""
    key = os.environ.get("WUDU_PII_KEY")
    if key:
        return key.encode()
    if os.environ.get("WUDU_DEMO") == "1":
        return DEMO_PII_KEY.encode()
    raise RuntimeError(
        "WUDU_PII_KEY is not set: personal data cannot be pseudonymised. "
        "Set WUDU_PII_KEY (a secret) or WUDU_DEMO=1 for the demo data only."
    )
