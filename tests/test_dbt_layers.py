"""The dbt folders state the build order, so a newcomer can read them top to bottom.

Order (dbt_project/models/): staging -> core/prep -> core/dims -> core/events -> core/scope -> one
folder per subject area (five_degree, training, research, careers, smart_classroom, ops), each with components/ before
marts/. A model may read its own layer or an earlier one; subject areas never read each other.
Checked on the manifest `dbt parse` writes, i.e. on the refs dbt really resolves.
"""
from __future__ import annotations

import json

import pytest

from raw_fixture import run_dbt

CORE = ["staging", "core/prep", "core/dims", "core/events", "core/scope"]
SUBJECT_AREAS = ["five_degree", "training", "research", "careers", "smart_classroom", "ops"]
SUBJECT_STEPS = ["components", "marts"]


def layer_of(path: str) -> tuple[int, str]:
    """(rank, subject area) of a model file path relative to models/; unknown folders raise."""
    parts = path.split("/")
    for rank, folder in enumerate(CORE):
        if path.startswith(folder + "/"):
            return rank, ""
    if parts[0] in SUBJECT_AREAS and len(parts) == 3 and parts[1] in SUBJECT_STEPS:
        return len(CORE) + SUBJECT_STEPS.index(parts[1]), parts[0]
    raise AssertionError(f"models/{path} is outside the layer folders {CORE + SUBJECT_AREAS}")


def violations(models: dict[str, str], refs: dict[str, list[str]]) -> list[str]:
    """models: name -> path; refs: name -> names of the models it reads."""
    out = []
    for name, parents in refs.items():
        rank, area = layer_of(models[name])
        for parent in parents:
            p_rank, p_area = layer_of(models[parent])
            if p_rank > rank or (p_area and p_area != area):
                out.append(f"{models[name]} reads {models[parent]}")
    return out


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_layers")
    run_dbt(["parse"], work / "parse.duckdb", work)
    return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_no_model_reads_a_model_of_a_later_layer(manifest):
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["package_name"] == "wudu"]
    models = {n["unique_id"]: n["path"] for n in nodes}
    refs = {n["unique_id"]: [p for p in n["depends_on"]["nodes"] if p in models] for n in nodes}
    assert len(models) > 40
    assert violations(models, refs) == []


def test_the_check_catches_a_backward_read():
    """The rule itself: a component reading a mart, a dim reading an event fact, an area reading another."""
    models = {"c": "five_degree/components/int_x.sql", "m": "five_degree/marts/fct_x.sql",
              "d": "core/dims/dim_x.sql", "e": "core/events/fct_e.sql", "t": "training/marts/fct_t.sql"}
    assert violations(models, {"c": ["m"], "d": ["e"], "t": ["m"], "m": ["c", "d", "e"]}) == [
        "five_degree/components/int_x.sql reads five_degree/marts/fct_x.sql",
        "core/dims/dim_x.sql reads core/events/fct_e.sql",
        "training/marts/fct_t.sql reads five_degree/marts/fct_x.sql",
    ]


def test_every_mart_and_seed_column_is_labelled_chinese_first(manifest):
    """Column descriptions of schema marts and the seeds become the database comments analysts
    read: `中文名 · English meaning, unit`. Fix: write the Chinese name first in the model's YAML."""
    import re
    label = re.compile(r"^[\u4e00-\u9fff][^·\n]{0,20} · \S")
    bad = [f"{n['name']}.{c}" for n in manifest["nodes"].values() if n["package_name"] == "wudu"
           and (n["resource_type"] == "seed" or (n["resource_type"] == "model" and n["config"]["schema"] == "marts"))
           for c, v in n["columns"].items() if not label.match(v.get("description", ""))]
    assert bad == []
