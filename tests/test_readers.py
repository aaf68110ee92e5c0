"""Readers against the contract (docs/sources.md): encodings, XLSX layouts, header aliases,
missing columns, bounded JSONL streaming. Every file is written by the test."""
from __future__ import annotations

import datetime as dt
import gzip
import json

import openpyxl
import pytest

from tests.landing_fixtures import SIGNIN_HEADER, SIGNINS, write_csv
from transforms.contracts import load_contracts
from transforms.errors import ContractError
from transforms.readers import (cell_text, detect_encoding, iter_jsonl_lines, read_tabular, xlsx_values,
                                xlsx_values_openpyxl)

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


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_a_character_cut_by_the_sniffed_mebibyte_is_not_unreadable(tmp_path, encoding):
    """The encoding is sniffed from a file's first MiB; a GBK export whose MiB ended inside a
    two-byte character was rejected as unreadable (a city's training files, 2026-12-07)."""
    from transforms.readers import sniff_encoding

    head = (",".join(SIGNIN_HEADER) + "\n").encode(encoding)
    row = ",".join(ROWS[0]).encode(encoding)  # carries 王建国: multi-byte characters
    pad = (1 << 20) - len(head) - 1 - row.index("王".encode(encoding))  # 王's first byte at the MiB's last
    n, rest = divmod(pad, len(row) + 1)
    body = b"".join(row + b"\n" for _ in range(n))
    filler = b" " * rest  # blank lines' worth of padding the reader skips: spaces before the row
    data = head + body + filler + row + b"\n"
    assert data[(1 << 20) - 1:(1 << 20) + 1] == "王".encode(encoding)[:2]
    path = tmp_path / "签到.csv"
    path.write_bytes(data)
    assert sniff_encoding(path, "签到.csv") == ("gb18030" if encoding == "gb18030" else "utf-8")
    df = read_tabular(path, SIGNINS_T, "签到.csv")
    assert len(df) == n + 1 and set(df["teacher_name"]) == {"王建国"}


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


def test_xlsx_cells_read_by_calamine_as_openpyxl_reads_them(tmp_path):
    """The fast XLSX reader (python-calamine) gives the same text as openpyxl, the reference, for every
    kind of cell an export holds: text with spaces, whole and fractional numbers, an ID typed as a
    number, dates, date-times, times of day, booleans, a formula never computed, blanks, title
    rows and empty rows, several sheets (an instructions sheet first) — and the demo's own workbooks."""
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "填表说明"
    info.append(["请按模板填写"])
    ws = wb.create_sheet("上午")
    ws.append([])
    ws.append(["2026年秋季 签到表"])
    ws.append(["编号", "数", "小数", "身份证号", "日期", "时间", "日期时间", "布尔", "公式", "空", "全角空格"])
    ws.append(["q1", 24, 2.5, 110101198001010070, dt.date(2026, 9, 7), dt.time(8, 30),
               dt.datetime(2026, 9, 7, 14, 5, 9), True, "=B4*2", None, "\u3000王建国 "])
    ws.append(["q2", 0, -0.125, 13800138000, dt.datetime(2026, 9, 8), dt.time(0, 0, 1),
               dt.datetime(2026, 12, 31, 23, 59, 59), False, None, "", "  "])
    ws.append([None] * 11)
    ws.append(["q3", 1e15, 123456789.123, "110101198001010078", dt.date(1999, 1, 1), dt.time(23, 59, 59),
               dt.datetime(2000, 2, 29, 0, 0, 0), None, "text", None, "x"])
    path = tmp_path / "签到.xlsx"
    wb.save(path)  # the formula has no cached value (Excel has not computed it): both read a blank

    demo = tmp_path / "demo"
    from transforms.demo import generate_demo_district
    generate_demo_district(demo, dt.date(2026, 9, 7), 1, scale="tiny")
    books = [path, *sorted(demo.glob("landing/*/*/*.xlsx"))]
    assert len(books) > 3
    for book in books:
        fast = [(n, [[cell_text(v) for v in r] for r in rows]) for n, rows in xlsx_values(book)]
        ref = [(n, [[cell_text(v) for v in r] for r in rows]) for n, rows in xlsx_values_openpyxl(book)]
        assert [n for n, _ in fast] == [n for n, _ in ref], book.name
        for (name, a), (_, b) in zip(fast, ref):
            width = max((len(r) for r in a + b), default=0)
            pad = lambda rows: [r + [None] * (width - len(r)) for r in rows]  # noqa: E731
            # openpyxl stops at the last row with a value; trailing empty rows are not records
            a, b = pad(a), pad(b)
            while a and not any(a[-1]):
                a.pop()
            while b and not any(b[-1]):
                b.pop()
            assert a == b, (book.name, name)
            assert [type(v) for r in a for v in r] == [type(v) for r in b for v in r], (book.name, name)  # NumberCell


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
