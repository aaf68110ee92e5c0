"""Readers against the contract (docs/sources.md): encodings, XLSX layouts, header aliases,
missing columns, bounded JSONL streaming. Every file is written by the test."""
from __future__ import annotations

import gzip
import json

import openpyxl
import pytest

from tests.landing_fixtures import SIGNIN_HEADER, SIGNINS, write_csv
from transforms.contracts import load_contracts
from transforms.errors import ContractError
from transforms.readers import detect_encoding, iter_jsonl_lines, read_tabular

SIGNINS_T = load_contracts()["training"].tables["signins"]
PROJECTS_T = load_contracts()["training"].tables["projects"]
ROWS = [r for r, _, _ in SIGNINS]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_read_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / "签到.csv", [SIGNIN_HEADER] + ROWS, encoding)
    df = read_tabular(path, SIGNINS_T, "签到.csv")
    assert list(df["teacher_name"]) == ["王建国", "王建国"]
    assert list(df["signin_id"]) == ["q1", "q2"]
    assert list(df["_row_number"]) == [1, 2]


def test_encoding_detection_is_not_assumed():
    text = "教师姓名,学时\n王建国,3\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(text.encode("gbk")) == "gb18030"


def test_xlsx_with_title_and_blank_rows_and_header_aliases(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年秋季培训项目一览表"])
    ws.append([])
    # full-width brackets, stray spaces and an English alias all map to canonical columns
    ws.append([" 项目编号 ", "项目名称", "培训级别", "计划学时", "经费（元）", "project_type", "备注"])
    ws.append(["p1", "新教师培训", "区培", 24, 5000, "集中面授", "首期"])
    ws.append([None, None, None, None, None, None, None])
    ws.append(["p2", "国培计划", "国培", 60, 120000, "网络研修", None])
    path = tmp_path / "培训项目.xlsx"
    wb.save(path)
    df = read_tabular(path, PROJECTS_T, "培训项目.xlsx")
    assert list(df["project_id"]) == ["p1", "p2"]
    assert list(df["_row_number"]) == [1, 2]
    assert df.loc[0, "budget_yuan"] == "5000"
    assert df.loc[1, "project_type"] == "网络研修"
    assert json.loads(df.loc[0, "_extra"]) == {"备注": "首期"}
    assert df.loc[1, "_extra"] in (None, "{}")


def test_missing_required_column_names_file_and_column(tmp_path):
    header = [h for h in SIGNIN_HEADER if h != "学时"]
    path = write_csv(tmp_path / "签到.csv", [header, ["q1", "t1", "王", "p1", "2026-09-07", "08:30"]])
    with pytest.raises(ContractError) as err:
        read_tabular(path, SIGNINS_T, "training/2026-09-07/签到.csv")
    assert "training/2026-09-07/签到.csv" in str(err.value)
    assert "hours" in str(err.value) and "学时" in str(err.value)


def test_unreadable_file_is_a_contract_error(tmp_path):
    path = tmp_path / "培训项目.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(ContractError, match="unreadable"):
        read_tabular(path, PROJECTS_T, "培训项目.xlsx")


def test_jsonl_stream_keeps_line_numbers_across_batches_and_gzip(tmp_path):
    lines = [json.dumps({"id": f"s{i}"}) for i in range(5000)]
    lines.insert(10, "")  # a blank line keeps its number
    raw = ("\n".join(lines) + "\n").encode()
    plain = tmp_path / "statements.jsonl"
    plain.write_bytes(raw)
    gz = tmp_path / "statements.jsonl.gz"
    gz.write_bytes(gzip.compress(raw))
    for path in (plain, gz):
        batches = list(iter_jsonl_lines(path, batch_bytes=16 << 10))
        assert len(batches) > 1, "small blocks must stream in several batches"
        numbers = [n for b in batches for n in b.column("_row_number").to_pylist()]
        text = [t for b in batches for t in b.column("line").to_pylist()]
        assert numbers == list(range(1, 5002))
        assert text[10] == "" and json.loads(text[11])["id"] == "s10"
