"""The Python packages stack in one direction: transforms/expectations (domain, bottom) ← orchestration
(Dagster wiring) ← wudu (CLI, analyst access, reports: top). Importing never has side effects."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# package → packages it may import (besides itself and third-party code)
ALLOWED = {
    "transforms": {"transforms"},
    "expectations": {"expectations", "transforms"},
    "orchestration": {"orchestration", "transforms", "expectations"},
    "wudu": {"wudu", "orchestration", "transforms", "expectations"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_no_package_imports_a_higher_layer():
    wrong = []
    for pkg, allowed in ALLOWED.items():
        for f in (ROOT / pkg).rglob("*.py"):
            bad = (_imports(f) & set(ALLOWED)) - allowed
            if bad:
                wrong.append(f"{f.relative_to(ROOT)} imports {sorted(bad)}")
    assert not wrong, "a lower layer imports a higher one:\n" + "\n".join(wrong)


def test_importing_the_code_location_has_no_side_effects(tmp_path):
    """Importing orchestration.definitions must not touch PATH/env, run dbt, or write files."""
    code = (
        "import os, json; before = dict(os.environ); "
        "import orchestration.definitions, orchestration.assets.dbt, wudu.cli, wudu.analyst; "
        "print(json.dumps(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))))"
    )
    env = dict(os.environ, WUDU_DATA_DIR=str(tmp_path / "data"), DAGSTER_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", f"environment changed at import: {out.stdout}"
    assert list(tmp_path.iterdir()) == [], f"files written at import: {list(tmp_path.iterdir())}"
