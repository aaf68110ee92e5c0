"""A platform stream larger than 1 GB loads with bounded memory (peak RSS well under the file's size).
Slow (about a minute) but part of CI: the bound is a property the nightly run relies on."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.landing_fixtures import DAY, write_roster

TARGET_BYTES = 1_050_000_000


def write_big_jsonl(path, target_bytes=TARGET_BYTES) -> int:
    template = json.dumps({
        "id": "ID", "actor": {"objectType": "Agent", "account": {"homePage": "http://wudu.local", "name": "u1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://wudu.local/question/QID", "definition": {"type": "http://wudu.local/activitytype/question"}},
        "result": {"success": True, "duration": "PT45S", "score": {"scaled": 0.8}},
        "context": {"extensions": {"http://wudu.local/xapi/class": "k1", "http://wudu.local/xapi/school": "s1",
                                   "http://wudu.local/xapi/session": "ls1", "http://wudu.local/xapi/subject": "数学"}},
        "timestamp": f"{DAY}T09:15:00+08:00"}, ensure_ascii=False)
    head, rest = template.split('"ID"', 1)
    lines, written, i = [], 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target_bytes:
            block = "".join(f'{head}"st{j:09d}"{rest.replace("QID", str(j % 997))}\n' for j in range(i, i + 50_000))
            fh.write(block)
            written += len(block.encode())
            i += 50_000
    return i


@pytest.mark.slow
def test_gigabyte_jsonl_loads_with_bounded_memory(tmp_path):
    landing = tmp_path / "landing"
    write_roster(landing)
    day_dir = landing / "platform" / DAY
    day_dir.mkdir(parents=True)
    big = day_dir / "statements.jsonl"
    n = write_big_jsonl(big)
    size = big.stat().st_size
    assert size >= 1_000_000_000
    script = textwrap.dedent(f"""
        import json, logging, resource, time, duckdb
        from pathlib import Path
        logging.basicConfig(level=logging.INFO)
        from transforms.loader import load_source_day
        con = duckdb.connect({str(tmp_path / 'w.duckdb')!r})
        load_source_day(con, Path({str(landing)!r}), "roster", "{DAY}")
        t = time.monotonic()
        rep = load_source_day(con, Path({str(landing)!r}), "platform", "{DAY}")
        secs = time.monotonic() - t
        n = con.execute("SELECT count(*) FROM raw.platform__xapi_statements").fetchone()[0]
        # VmHWM: this process image's own peak. (ru_maxrss would not do: Linux carries the parent's
        # peak across fork/exec, so inside a long pytest session it read pytest's size, not ours.)
        hwm_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
        print(json.dumps(dict(rep.totals(), loaded_in_table=n, seconds=secs, peak_rss_mb=hwm_kb / 1024,
                              ru_maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=1200,
                         env={"WUDU_PII_KEY": os.environ["WUDU_PII_KEY"], "WUDU_DUCKDB_MEMORY_LIMIT": "256MB", "PATH": ""})
    assert out.returncode == 0, out.stderr[-3000:]
    # DuckDB's parallel reader took the file: a silent fall-back to the Python reader (it once did
    # under the memory cap, when the read buffer was the size of the file) would hide a slow path
    assert "read line by line in Python" not in out.stderr, out.stderr[-3000:]
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\n{size / 1e9:.2f} GB, {n} statements: {stats}")
    assert stats["rows_read"] == n == stats["loaded_in_table"] + stats["rows_quarantined"]
    # bounded: well under the file (441 MB, 21 s here on the DuckDB reader; 509–720 MB on the Python one)
    assert stats["peak_rss_mb"] * 1024 * 1024 < size * 0.7, stats
