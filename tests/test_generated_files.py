"""Generated files cannot drift: each committed copy equals what its generator renders now.

Generators: `python -m transforms.contract_docs` (docs/sources.md, docs/validation.md and
dbt_project/models/staging/_sources.yml, all from transforms/contracts.yaml and transforms/rules.py).
Fix a failure by running the generator and committing its output — never by editing the file.
"""
from __future__ import annotations

import duckdb
import pytest
import yaml

from transforms import contract_docs
from transforms.contracts import all_tables
from transforms.loader import ensure_raw_schema

GENERATED = contract_docs.generated_files()


@pytest.mark.parametrize("path", sorted(GENERATED), ids=lambda p: p.name)
def test_committed_file_equals_its_rendering(path):
    assert path.read_text(encoding="utf-8") == GENERATED[path], (
        f"{path} drifted from its generator: run `python -m transforms.contract_docs` and commit the result")


def test_dbt_sources_list_exactly_the_raw_columns_the_loader_creates():
    """The rendered sources describe every column of every raw table (contract tables and the
    loader's quarantine / file_manifest), no more and no fewer."""
    con = duckdb.connect()
    ensure_raw_schema(con)
    actual = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'raw'").fetchall():
        actual.setdefault(table, set()).add(column)
    spec = yaml.safe_load(GENERATED[contract_docs.DBT_SOURCES])
    documented = {t["identifier"]: {c["name"] for c in t["columns"] if c["description"].strip()}
                  for s in spec["sources"] for t in s["tables"]}
    assert len(documented) == len(all_tables()) + 2
    assert documented == actual
