"""Each dbt invocation leaves a ≈ 24 MB folder under dbt_project/target/: the dbt step keeps only the
newest WUDU_DBT_TARGETS_KEEP of its own and touches nothing else there; its parse state becomes the one
the next invocation starts from."""
from __future__ import annotations

import os

from orchestration.assets.dbt import keep_partial_parse, prune_targets


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


def test_the_invocations_parse_state_seeds_the_next_one(tmp_path):
    """dagster-dbt copies target/partial_parse.msgpack into each new invocation folder; the step puts
    its own there afterwards, so the next night parses only what changed (dbt discards a state made
    for another build-file path, e.g. the one `make setup` parsed with)."""
    target = tmp_path / "target"
    (target / "wudu_dbt_assets-run0001-0000001").mkdir(parents=True)
    (target / "partial_parse.msgpack").write_bytes(b"from make setup")
    keep_partial_parse(target / "wudu_dbt_assets-run0001-0000001")  # dbt failed before parsing: nothing to keep
    assert (target / "partial_parse.msgpack").read_bytes() == b"from make setup"

    (target / "wudu_dbt_assets-run0001-0000001" / "partial_parse.msgpack").write_bytes(b"parsed tonight")
    keep_partial_parse(target / "wudu_dbt_assets-run0001-0000001")
    assert (target / "partial_parse.msgpack").read_bytes() == b"parsed tonight"
    assert sorted(p.name for p in target.iterdir()) == ["partial_parse.msgpack", "wudu_dbt_assets-run0001-0000001"]
