"""Read a dbt seed (`dbt_project/seeds/<name>.csv`) as rows of text: the demo district draws its
observation policy and rubric versions from the same seeds the marts score against, so the one
copy of each rule stays in the seed."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


@lru_cache(maxsize=None)
def load_seed(name: str) -> tuple[dict[str, str], ...]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))
