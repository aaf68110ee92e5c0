"""Landing into the raw schema: one defect per rule kind is caught by that rule and quarantined
with file, row and value; counts reconcile; re-runs are idempotent; GX sees the same defects."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from expectations.runner import SuiteRunner, validate_batch
from transforms.reconcile import reconcile
from tests.landing_fixtures import DAY, write_platform, write_roster, write_training
from transforms.contracts import all_tables, load_contracts
from transforms.loader import load_source_day
from transforms.pii import pseudonymise


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


def load_all(con, landing):
    return {s: load_source_day(con, landing, s, DAY) for s in ("roster", "platform", "training")}


def test_each_defect_is_quarantined_under_its_rule(con, landing):
    write_roster(landing)
    expected = write_platform(landing)
    write_training(landing)
    reports = load_all(con, landing)
    got = {r: (rule, col) for r, rule, col in con.execute(
        "SELECT row_number, rule, column_name FROM raw.quarantine WHERE table_name = 'lesson_sessions'").fetchall()}
    for row, rule, col in expected:
        if rule is None:
            assert row not in got
        else:
            assert got[row] == (rule, col), f"row {row}"
    # the offending value and the file are named
    assert con.execute("SELECT offending_value, source_file FROM raw.quarantine WHERE rule = 'type'").fetchone() == (
        "forty", f"platform/{DAY}/lesson_sessions.csv")
    # invalid JSON is a record-level type failure, not a crash
    assert con.execute("SELECT rule, column_name, row_number FROM raw.quarantine WHERE table_name = 'xapi_statements'"
                       ).fetchall() == [("type", "_record", 2)]
    # GBK-encoded training file; an unparseable time of day hits the pattern rule
    assert con.execute("SELECT rule, column_name FROM raw.quarantine WHERE table_name = 'signins'").fetchall() == [
        ("pattern", "sign_in_time")]
    for source, rep in reports.items():
        t = rep.totals()
        assert t["rows_read"] == t["rows_loaded"] + t["rows_quarantined"], source
        assert all(r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"] for r in reconcile(con, source, DAY))


@pytest.mark.parametrize("engine", ["sql", "pandas"])
def test_gx_suite_flags_the_same_rules(con, landing, engine):
    write_roster(landing)
    expected = write_platform(landing)
    load_source_day(con, landing, "roster", DAY)
    load_source_day(con, landing, "platform", DAY)
    table = load_contracts()["platform"].tables["lesson_sessions"]
    outcome = validate_batch(con, SuiteRunner(), "_gx_batch__lesson_sessions", table, DAY, None, engine=engine)
    # GX counts the rows each rule quarantined (whether the suite is red depends on the share)
    flagged_rules = {(o.rule, o.column) for o in outcome.outcomes if o.unexpected_count}
    for _, rule, col in expected:
        if rule and rule not in ("required", "type"):
            assert (rule, col) in flagged_rules
    assert not outcome.success, "a quarter of the day's sessions quarantined is far above the threshold"
    # blanks and unreadable values both surface as nulls in the typed batch
    nulls = next(o for o in outcome.outcomes if o.rule == "required" and o.column == "students_present")
    assert nulls.unexpected_count == 2


def test_rerun_is_idempotent_and_redelivered_files_are_not_double_counted(con, landing):
    write_roster(landing)
    write_platform(landing)
    load_all(con, landing)

    def counts():
        return {t.raw_table: con.execute(f"SELECT count(*) FROM {t.raw_table}").fetchone()[0] for t in all_tables()} | {
            "q": con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0]}

    first = counts()
    load_all(con, landing)
    assert counts() == first
    # the same platform file delivered again on the next day is recognised by its sha256
    nxt = "2026-09-08"
    shutil.copytree(landing / "platform" / DAY, landing / "platform" / nxt)
    rep = load_source_day(con, landing, "platform", nxt)
    assert {f.status for f in rep.files} == {"duplicate"}
    assert counts() == first
    # ... and so is a copy under another name within the same delivery
    shutil.copy(landing / "platform" / DAY / "lesson_sessions.csv", landing / "platform" / DAY / "lesson_sessions_resent.csv")
    rep = load_source_day(con, landing, "platform", DAY)
    assert sorted(f.status for f in rep.files if f.table == "lesson_sessions") == ["duplicate", "loaded"]
    assert counts() == first


def test_personal_data_never_stored_in_the_clear(con, landing):
    write_roster(landing)
    write_training(landing)
    load_all(con, landing)
    secrets = ["建国", "13912345678", "11010119800101007X", "王建国"]
    for schema, table, column in con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'").fetchall():
        for s in secrets:
            n = con.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{column}" LIKE ?', [f"%{s}%"]).fetchone()[0]
            assert n == 0, f"{s} found in {schema}.{table}.{column}"
    # the same person hashes identically wherever they appear
    assert con.execute("SELECT id_card_hash FROM raw.roster__users WHERE sourced_id = 't1'").fetchone()[0] == \
        pseudonymise("11010119800101007x")


def test_contract_break_rejects_the_file_and_keeps_the_rest(con, landing):
    write_roster(landing)
    (landing / "roster" / DAY / "classes.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    rep = load_source_day(con, landing, "roster", DAY)
    assert [f.path for f in rep.rejected] == [f"roster/{DAY}/classes.csv"]
    assert "sourced_id" in rep.rejected[0].error
    assert con.execute("SELECT status FROM raw.file_manifest WHERE table_name = 'classes'").fetchone()[0] == "rejected"
    assert con.execute("SELECT count(*) FROM raw.roster__users").fetchone()[0] == 2


def test_crash_mid_load_rolls_back(con, landing, monkeypatch):
    write_roster(landing)
    write_platform(landing)
    load_all(con, landing)
    before = con.execute("SELECT count(*) FROM raw.platform__lesson_sessions").fetchone()[0]
    import transforms.loader as loader

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_commit_file", boom)
    with pytest.raises(RuntimeError):
        load_source_day(con, landing, "platform", DAY)
    assert con.execute("SELECT count(*) FROM raw.platform__lesson_sessions").fetchone()[0] == before
