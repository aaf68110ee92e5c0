"""The Python code stacks in one direction: transforms/expectations (domain, bottom) ← the read side of
the published warehouse (wudu.analyst, wudu.reports) ← orchestration (Dagster wiring, which also
schedules the reports) ← the CLI and run summary (top). Importing never has side effects."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# layer (a package or module prefix) → layers it may import, besides itself and third-party code
LAYERS = ["transforms", "expectations", "wudu.analyst", "wudu.reports", "orchestration", "wudu"]
ALLOWED = {
    "transforms": {"transforms"},
    "expectations": {"expectations", "transforms"},
    "wudu.analyst": {"transforms"},
    "wudu.reports": {"wudu.reports", "wudu.analyst", "transforms"},
    "orchestration": {"orchestration", "transforms", "expectations", "wudu.analyst", "wudu.reports"},
    "wudu": set(LAYERS),  # the CLI and summary: the top
}


def layer_of(module: str) -> str | None:
    """The most specific layer a dotted module name belongs to."""
    hits = [lay for lay in LAYERS if module == lay or module.startswith(lay + ".")]
    return max(hits, key=len) if hits else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_no_package_imports_a_higher_layer():
    wrong = []
    for pkg in ("transforms", "expectations", "orchestration", "wudu"):
        for f in (ROOT / pkg).rglob("*.py"):
            module = ".".join(f.relative_to(ROOT).with_suffix("").parts)
            mine = layer_of(module)
            bad = {m for m in _imports(f) if layer_of(m) and layer_of(m) not in ALLOWED[mine] | {mine}}
            if bad:
                wrong.append(f"{module} ({mine}) imports {sorted(bad)}")
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
