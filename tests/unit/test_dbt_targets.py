"""Each dbt invocation leaves a ≈ 24 MB folder under dbt_project/target/: the dbt step keeps only the
newest WUDU_DBT_TARGETS_KEEP of its own and touches nothing else there; its parse state becomes the one
the same build file's next invocation starts from."""
from __future__ import annotations

import os

from orchestration.assets.dbt import keep_partial_parse, parse_state_path, prune_targets, seed_parse_state


def test_only_the_newest_folders_of_the_op_are_kept(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "partial_parse.msgpack").write_bytes(b"x")  # dbt's own, copied into each invocation
    (target / "manifest.json").write_text("{}")
    other = target / "some_other_op-abc1234-0000000"
    other.mkdir()
    folders = []
    for i in range(6):
        p = target / f"wudu_dbt_assets-run{i:04d}-{i:07d}"
        p.mkdir()
        (p / "run_results.json").write_text("{}")
        os.utime(p, (1_000_000 + i, 1_000_000 + i))  # run i finished at second i
        folders.append(p)
    os.utime(other, (1, 1))  # older than all of them: still not ours to delete

    removed = prune_targets(folders[-1], keep=4)

    assert sorted(removed) == folders[:2]
    assert [p for p in folders if p.exists()] == folders[2:]
    assert other.exists() and (target / "partial_parse.msgpack").exists() and (target / "manifest.json").exists()


def test_the_current_folder_survives_even_when_it_is_not_the_newest(tmp_path):
    cur = tmp_path / "wudu_dbt_assets-aaaaaaa-1111111"
    cur.mkdir()
    os.utime(cur, (1, 1))
    for i in range(3):
        p = tmp_path / f"wudu_dbt_assets-bbbbbb{i}-2222222"
        p.mkdir()
        os.utime(p, (100 + i, 100 + i))
    prune_targets(cur, keep=1)
    assert cur.exists()


def test_each_build_file_keeps_its_own_parse_state(tmp_path):
    """dbt discards a parse state made with another profile, and the build file's path is in the
    profile: two data directories taking turns with one shared state (dbt_project/target/'s) made
    every night parse the whole project. Each build file now starts from its own, kept beside it;
    without one, dagster-dbt's copy of target/'s (from `make setup`) is left in place."""
    target = tmp_path / "target"
    target.mkdir()
    (target / "partial_parse.msgpack").write_bytes(b"from make setup")
    district, demo = tmp_path / "district" / "build", tmp_path / "demo" / "build"
    state = {d: parse_state_path(d, "duckdb") for d in (district, demo)}
    assert state[district] != state[demo] and parse_state_path(district, "spark") != state[district]

    night = target / "wudu_dbt_assets-run0001-0000001"
    assert not seed_parse_state(state[district], night)  # a first night: nothing of its own yet
    night.mkdir()
    keep_partial_parse(night, state[district])  # dbt failed before parsing: nothing to keep
    assert not state[district].exists()
    (night / "partial_parse.msgpack").write_bytes(b"parsed for the district")
    keep_partial_parse(night, state[district])
    assert state[district].read_bytes() == b"parsed for the district"

    other = target / "wudu_dbt_assets-run0002-0000002"  # the demo's night in between
    other.mkdir()
    (other / "partial_parse.msgpack").write_bytes(b"parsed for the demo")
    keep_partial_parse(other, state[demo])

    nxt = target / "wudu_dbt_assets-run0003-0000003"  # the district's next night starts from its own
    assert seed_parse_state(state[district], nxt)
    assert (nxt / "partial_parse.msgpack").read_bytes() == b"parsed for the district"
    assert (target / "partial_parse.msgpack").read_bytes() == b"from make setup"  # never overwritten
