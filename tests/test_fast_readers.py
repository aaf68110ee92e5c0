"""DuckDB's parallel readers (the fast landing path) give exactly what the Python readers gave:
the same raw rows, quarantine records (rule, column, row number, masked value) and manifest, on
the demo and on awkward hand-made files; and the vectorised keyed hash equals the per-value HMAC."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import unicodedata
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

import transforms.loader as loader
import transforms.readers as readers
from tests.pipeline_helpers import START
from transforms.contracts import load_contracts
from transforms.pii import pseudonymise_array
from transforms.readers import read_tabular, stage_csv_duckdb
from transforms.settings import pii_key

DAYS = ["2026-09-07", "2026-09-08"]
DAY = "2026-09-08"
TIMESTAMPS = ("_loaded_at", "quarantined_at", "loaded_at")


def _land(db: Path, landing: Path, fast: bool, monkeypatch, days=DAYS, sources=("roster", "platform", "training")):
    monkeypatch.setattr(loader, "FAST_READERS", fast)
    con = duckdb.connect(str(db))
    for day in days:
        for source in sources:
            loader.load_source_day(con, landing, source, day)
    return con


def _differences(con, other: str) -> dict[str, tuple[int, int, int]]:
    """table -> (rows, rows only here, rows only in `other`), timestamps of the load left out."""
    out = {}
    for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
                            "AND database_name = current_database() ORDER BY 1").fetchall():
        cols = ", ".join(f'"{c}"' for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = ? "
            "AND database_name = current_database() ORDER BY column_index", [t]).fetchall() if c not in TIMESTAMPS)
        here = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM raw.{t} EXCEPT ALL "
                           f"SELECT {cols} FROM {other}.raw.{t})").fetchone()[0]
        there = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {other}.raw.{t} EXCEPT ALL "
                            f"SELECT {cols} FROM raw.{t})").fetchone()[0]
        out[t] = (con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0], here, there)
    return out


def test_demo_days_land_identically_through_both_readers(tmp_path, monkeypatch, caplog):
    from transforms.demo import generate_demo_district

    data = tmp_path / "data"
    generate_demo_district(data, START, len(DAYS), scale="tiny", error_rate=0.03)
    _land(tmp_path / "python.duckdb", data / "landing", False, monkeypatch).close()
    with caplog.at_level(logging.INFO, logger="wudu.loader"):
        con = _land(tmp_path / "fast.duckdb", data / "landing", True, monkeypatch)
    # every demo CSV and JSONL file really went through DuckDB's readers (GBK training CSVs excepted)
    fallbacks = [r.getMessage() for r in caplog.records if "Python reader" in r.getMessage()
                 or "line by line" in r.getMessage()]
    assert all("gb18030" in m for m in fallbacks), fallbacks
    con.execute(f"ATTACH '{tmp_path / 'python.duckdb'}' AS py (READ_ONLY)")
    diff = _differences(con, "py")
    assert {t: d for t, d in diff.items() if d[1] or d[2]} == {}
    assert diff["quarantine"][0] > 20 and diff["platform__xapi_statements"][0] > 1000


def _jsonl_line(i: int) -> str:
    return json.dumps({"id": f"stmt-{i:07d}", "actor": {"account": {"name": "tch-00001"}},
                       "verb": {"id": "http://adlnet.gov/expapi/verbs/uploaded"},
                       "object": {"id": f"act-{i}", "definition": {"type": "http://wudu.local/activitytype/resource"}},
                       "timestamp": f"{DAY}T09:{i % 60:02d}:00+08:00", "context": {"platform": "demo"}},
                      ensure_ascii=False)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_jsonl_line_numbers_survive_a_parallel_scan(tmp_path, monkeypatch, newline):
    """Invalid lines planted at known line numbers in a file big enough for several scan threads:
    both readers quarantine them under the same line numbers (blank lines counted, BOM dropped)."""
    landing = tmp_path / "landing"
    folder = landing / "platform" / DAY
    folder.mkdir(parents=True)
    (landing / "roster").mkdir()
    bad = {1: "not json", 7_777: "{broken", 123_457: '{"id": ', 299_999: "[1, 2"}
    blank = {3, 50_000, 200_001}
    lines = []
    for i in range(1, 300_001):
        lines.append("" if i in blank else bad.get(i, _jsonl_line(i)))
    (folder / "statements.jsonl").write_bytes(b"\xef\xbb\xbf" + newline.join(lines).encode() + newline.encode())
    got = {}
    for fast in (False, True):
        con = _land(tmp_path / f"{fast}.duckdb", landing, fast, monkeypatch, days=[DAY], sources=("platform",))
        got[fast] = con.execute("SELECT row_number, rule, column_name FROM raw.quarantine WHERE rule = 'type' "
                                "AND column_name = '_record' ORDER BY 1").fetchall()
        # no roster here: every parsed line is quarantined as unknown_reference, under its own number
        other = con.execute("SELECT count(*), sum(row_number) FROM raw.quarantine WHERE rule = 'unknown_reference'").fetchone()
        assert other == (300_000 - 7, sum(range(1, 300_001)) - sum(bad) - sum(blank)), other
        con.close()
    assert [r[0] for r in got[True]] == sorted(bad)
    assert got[True] == got[False]


def test_line_longer_than_the_read_buffer_falls_back_and_lands(tmp_path, monkeypatch, caplog):
    """A line over DuckDB's max_line_size (8 MiB, kept small so the read buffer stays small) makes
    the fast path give up; the Python reader takes the whole file and nothing is lost."""
    landing = tmp_path / "landing"
    folder = landing / "platform" / DAY
    folder.mkdir(parents=True)
    (landing / "roster").mkdir()
    huge = json.loads(_jsonl_line(2))
    huge["context"]["note"] = "x" * (9 << 20)
    lines = [_jsonl_line(1), json.dumps(huge), _jsonl_line(3)]
    (folder / "statements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="wudu.loader"):
        con = _land(tmp_path / "fast.duckdb", landing, True, monkeypatch, days=[DAY], sources=("platform",))
    assert any("line by line" in r.getMessage() for r in caplog.records)
    # no roster: all three lines parse and are quarantined as unknown_reference under their numbers
    assert con.execute("SELECT list(row_number ORDER BY row_number) FROM raw.quarantine "
                       "WHERE rule = 'unknown_reference'").fetchone()[0] == [1, 2, 3]


@pytest.mark.parametrize("max_blanks", [1000, 1])  # blank records numbered by subtraction, or by a sort
def test_awkward_csv_lands_identically(tmp_path, monkeypatch, max_blanks):
    """A title row, blank lines, padded and full-width-spaced cells, short rows, an unknown column
    holding ID-card numbers, a duplicate header with equal values: the same rows, extras and
    quarantine both ways; a quoted line break falls back to the Python reader."""
    monkeypatch.setattr(readers, "MAX_BLANK_RECORDS", max_blanks)
    folder = tmp_path / "landing" / "platform" / DAY
    folder.mkdir(parents=True)
    (tmp_path / "landing" / "roster").mkdir()
    header = "response_id,teacher_id,teacher_id,班级编号,题目编号,s core,submitted_at,身份证号,备注"
    rows = ["某区学生评教导出\u3000,,,,,,,,", "", header]
    for i in range(1, 401):
        tid = f"tch-{i % 7:05d}"
        cells = [f" se-{i:05d} ", tid, tid, "cls-1\u3000", "SQ", str(i % 7), f"{DAY} 17:20:00",
                 "11010119900307777X" if i % 3 else "", "手机13912345678" if i % 5 == 0 else ""]
        if i % 50 == 0:
            cells = cells[:5]  # a short row: the rest blank
        rows.append(",".join(cells))
        if i % 90 == 0:
            rows.append(",,,,")
    text = "\r\n".join(rows) + "\r\n"
    (folder / "student_evaluations.csv").write_text(text, encoding="utf-8-sig")
    for fast in (False, True):
        _land(tmp_path / f"{fast}.duckdb", tmp_path / "landing", fast, monkeypatch, days=[DAY], sources=("platform",)).close()
    con = duckdb.connect(str(tmp_path / "True.duckdb"))
    con.execute(f"ATTACH '{tmp_path / 'False.duckdb'}' AS py (READ_ONLY)")
    diff = _differences(con, "py")
    assert {t: d for t, d in diff.items() if d[1] or d[2]} == {}
    assert diff["platform__student_evaluations"][0] + diff["quarantine"][0] >= 400
    # reader level: every value, record number and extra (ID cards hashed) as the Python reader has them
    path = folder / "student_evaluations.csv"
    table = load_contracts()["platform"].tables["student_evaluations"]
    mem = duckdb.connect()
    loader._create_stage(mem, table)
    assert stage_csv_duckdb(mem, path, table, "x.csv", "_stage") == 400
    names = ["_row_number", *(c.name for c in table.columns), "_extra", "_sheet", "_cell_rules"]
    fast_rows = mem.execute(f"SELECT {', '.join(chr(34) + n + chr(34) for n in names)} FROM _stage ORDER BY 1").fetchall()
    ref = read_tabular(path, table, "x.csv")
    assert fast_rows == [tuple(r) for r in ref[names].itertuples(index=False)]
    assert sum("[id_card:" in (r[-3] or "") for r in fast_rows) > 200

    # a quoted line break: DuckDB's parallel reader cannot number it, the Python reader does
    (folder / "student_evaluations.csv").write_text(text.replace("备注", '"备\n注"', 1), encoding="utf-8")
    assert loader.FAST_READERS
    con2 = duckdb.connect(str(tmp_path / "quoted.duckdb"))
    rep = loader.load_source_day(con2, tmp_path / "landing", "platform", DAY)
    assert rep.totals()["rows_read"] == 400


def test_keyed_hash_of_demo_values_equals_per_value_hmac(tmp_path):
    """The vectorised hash (each distinct value once) is byte-identical to HMAC-SHA256 of the
    normalised value, computed here independently, on every personal value of the demo roster."""
    from transforms.demo import generate_demo_district

    data = tmp_path / "data"
    generate_demo_district(data, START, 1, scale="tiny")
    users = load_contracts()["roster"].tables["users"]
    df = read_tabular(data / "landing" / "roster" / START.isoformat() / "users.csv", users, "users.csv")
    key = pii_key(data)
    checked = 0
    for c in users.columns:
        if not c.pii:
            continue
        values = list(df[c.name])
        expected = [hmac.new(key, unicodedata.normalize("NFKC", v).strip().upper().encode(), hashlib.sha256).hexdigest()
                    if v else None for v in values]
        assert pseudonymise_array(pa.array(values, pa.string()), key).to_pylist() == expected, c.name
        checked += sum(v is not None for v in values)
    assert checked > 1000


@pytest.mark.parametrize("key", [b"centre-key", b"k" * 100])  # a key over 64 bytes is hashed first
def test_keyed_hash_in_sql_equals_per_value_hmac(monkeypatch, key):
    """wudu_pii() in DuckDB — sha256 over the key's pads for plain-ASCII values, the Python UDF for
    the rest — gives HMAC-SHA256 of the normalised value, byte for byte, on awkward values too."""
    from transforms.demo import generate_demo_district  # noqa: F401 - same import cost as the demo test
    from transforms.pii import register_udfs

    monkeypatch.setenv("WUDU_PII_KEY", key.decode())
    values = ["110101199003071234", " 11010119900307123x ", "13800138000", "138 0013 8000", "+86-13800138000",
              "G110101200501010012", "张三", "欧阳 娜娜 ", "１３８００１３８０００", "abc\tdef", "\t13800138000",
              "straße", "   ", "", None, "a@b.cn", "x" * 300, "~!@#$%^&*()_+{}|:\"<>?", "ǅ"]
    con = duckdb.connect()
    register_udfs(con)
    got = [r[0] for r in con.execute("SELECT wudu_pii(v) FROM (SELECT unnest(?::VARCHAR[]) AS v, "
                                     "generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i", [values, values]).fetchall()]
    expected = [hmac.new(key, unicodedata.normalize("NFKC", v).strip().upper().encode(), hashlib.sha256).hexdigest()
                if v else None for v in values]
    assert got == expected
    # the key itself is never spelt in SQL text a profiler or log could show
    assert key.decode() not in " ".join(str(r) for r in con.execute(
        "SELECT macro_definition FROM duckdb_functions() WHERE function_name = 'wudu_pii'").fetchall())


def test_id_card_check_digit_in_sql_equals_python():
    """The GB 11643 check runs as SQL on every row; it must agree with the Python reference."""
    import random

    from transforms.pii import id_card_check_ok, id_card_check_sql

    rng = random.Random(16)
    values = []
    for _ in range(3000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        values += [body + c for c in "0123456789X"][: rng.randint(1, 11)]
    con = duckdb.connect()
    con.execute("CREATE TABLE ids (v VARCHAR)")
    con.executemany("INSERT INTO ids VALUES (?)", [[v] for v in values])
    got = dict(con.execute(f"SELECT v, {id_card_check_sql('v')} FROM ids").fetchall())
    assert got == {v: id_card_check_ok(v) for v in values}
    assert 0 < sum(got.values()) < len(values)
