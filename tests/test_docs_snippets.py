"""Every SQL and Python snippet in README.md and docs/*.md, and every `duckdb …` shell snippet, runs as
written against the demo warehouse (from the directory that holds `data/`, as from a clone)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def snippets() -> list[tuple[str, str, str]]:
    out = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for i, m in enumerate(FENCE.finditer(doc.read_text(encoding="utf-8"))):
            lang, body = m.group(1).lower(), m.group(2)
            first = next((ln for ln in body.splitlines() if ln.strip() and not ln.startswith("#")), "")
            if lang in ("sql", "python") or (lang in ("bash", "sh", "shell") and first.startswith("duckdb ")):
                out.append((f"{doc.relative_to(ROOT)}#{i}-{lang}", lang, body))
    return out


SNIPPETS = snippets()


def test_the_docs_have_runnable_snippets():
    assert {lang for _, lang, _ in SNIPPETS} >= {"sql", "python", "bash"}


@pytest.mark.parametrize("name,lang,body", SNIPPETS, ids=[s[0] for s in SNIPPETS])
def test_snippet_runs(demo_warehouse, name, lang, body):
    cwd = demo_warehouse.parent  # holds data/, like a clone after `make run`
    env = dict(os.environ, WUDU_DATA_DIR=str(demo_warehouse),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=str(ROOT))
    if lang == "sql":
        from wudu.analyst import connect

        with connect(demo_warehouse) as con:
            rows = con.execute(body).fetchall()
        assert rows, f"{name} returned no rows"
        return
    cmd = ["bash", "-euo", "pipefail", "-c", body] if lang != "python" else [sys.executable, "-c", body]
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{name} failed:\n{body}\n{out.stderr[-3000:]}"
    if lang != "python":
        assert out.stdout.strip(), f"{name} printed nothing"
