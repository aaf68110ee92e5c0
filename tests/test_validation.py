"""Validation end to end: the demo's injected defects are all caught under the rule the mutator
meant, and an ERROR-level contract failure blocks that partition's dbt assets only."""
from __future__ import annotations

import json

import dagster as dg
import duckdb

from tests.pipeline_helpers import START, make_demo, materialize_day
from transforms.loader import load_source_day

DAYS = ["2026-09-07", "2026-09-08"]


def test_every_injected_defect_is_quarantined_under_its_rule(tmp_path):
    from transforms.demo import generate_demo_district

    data = tmp_path / "data"
    generate_demo_district(data, START, len(DAYS), scale="tiny", error_rate=0.03)
    log = [json.loads(line) for line in (data / "_demo" / "mutations.jsonl").read_text().splitlines() if line]
    assert len({m["rule"] for m in log}) >= 6, "the demo must exercise most rule kinds"
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for day in DAYS:
        for source in ("roster", "platform", "training"):
            rep = load_source_day(con, data / "landing", source, day)
            t = rep.totals()
            assert t["rows_read"] == t["rows_loaded"] + t["rows_quarantined"]
    quarantined = {(f, r): rule for f, r, rule in con.execute(
        "SELECT source_file, row_number, rule FROM raw.quarantine").fetchall()}
    injected = {(m["file"], m["row_number"]): m["rule"] for m in log if m["day"] in DAYS}
    missed = {k: v for k, v in injected.items() if k not in quarantined}
    assert not missed, f"defects not caught: {list(missed.items())[:5]}"
    wrong = {k: (v, quarantined[k]) for k, v in injected.items() if quarantined[k] != v}
    assert not wrong, f"caught under another rule (injected, got): {list(wrong.items())[:5]}"
    extra = {k: v for k, v in quarantined.items() if k not in injected}
    assert not extra, f"quarantined rows the demo did not break: {list(extra.items())[:5]}"


def test_contract_error_blocks_downstream_of_that_partition_only(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("WUDU_DATA_DIR", str(data))
    make_demo(data, days=2)
    # day 2's users.csv loses its required role column: a contract break
    users = data / "landing" / "roster" / DAYS[1] / "users.csv"
    if users.exists():
        lines = users.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        idx = header.index("role")
        users.write_text("\n".join(",".join(c for i, c in enumerate(row.split(",")) if i != idx) for row in lines) + "\n",
                         encoding="utf-8")
    else:  # the day was delivered zipped: deliver a broken users.csv beside it instead
        users.write_text("sourcedId,foo\nx,1\n", encoding="utf-8")

    ok = materialize_day(data, DAYS[0])
    assert ok.success
    bad = materialize_day(data, DAYS[1])
    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed
              for e in (ev.event_specific_data for ev in bad.all_events
                        if ev.event_type_value == "ASSET_CHECK_EVALUATION")}
    assert checks[("raw/roster/users", "contract")] is False
    built = {e.asset_key.to_user_string() for e in bad.get_asset_materialization_events()}
    assert "raw/roster/users" in built
    # models reading the roster are held back (seed-only ones such as int_five_degree_weights still build)
    assert not any(k.startswith("marts/") and "five_degree" in k for k in built), built
    # issue 13: a rejected file holds back its source's models only; publishing still runs
    assert "published_warehouse" in built
    # day 1's marts are still there and day 1 re-runs fine
    assert materialize_day(data, DAYS[0]).success
    _ = dg
