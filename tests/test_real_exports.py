"""Exports as real school and training systems produce them (issue 13): one test per kind of file
that used to go wrong. Fixtures are written here as messy as the real thing: GBK, titles and
merged title rows above the header, blank rows, an instructions sheet, 上午/下午 sheets, Excel's
own date/time/number cells, legacy .xls (written with xlwt)."""
from __future__ import annotations

import codecs
import datetime as dt
import json
import os

import duckdb
import openpyxl
import pytest

from tests.landing_fixtures import DAY, write_csv, write_roster
from transforms.pii import find_in_clear, pseudonymise
from transforms.reconcile import reconcile
from transforms.loader import load_source_day

SIGNIN_HEADER = ["签到编号", "教师编号", "教师姓名", "项目编号", "日期", "签到时间", "签退时间", "学时"]
VALID_ID = "11010119800101007X"  # GB 11643 check character verified


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


def manifest(con, source="training"):
    return {p: (t, s, e) for p, t, s, e in con.execute(
        "SELECT path, table_name, status, error FROM raw.file_manifest WHERE source = ?", [source]).fetchall()}


def assert_reconciled(con, source, report):
    t = report.totals()
    assert t["rows_read"] == t["rows_loaded"] + t["rows_quarantined"]
    rec = reconcile(con, source, DAY)
    assert rec and all(r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"] for r in rec)


def signin_sheet(ws, rows, title=True):
    """A sheet as the training system exports it: a merged title, a blank row, the header."""
    if title:
        ws.append(["2026年秋季培训签到表"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SIGNIN_HEADER))
        ws.append([])
    ws.append(SIGNIN_HEADER)
    for r in rows:
        ws.append(r)


def excel_row(sid, t_in=dt.time(8, 20), t_out=dt.time(11, 30)):
    # Excel's own cell types: a date cell, time cells, a number cell for the hours
    return [sid, "t1", "王建国", "p1", dt.date(2026, 9, 7), t_in, t_out, 3]


def load(con, landing, source="training"):
    write_roster(landing)
    load_source_day(con, landing, "roster", DAY)
    return load_source_day(con, landing, source, DAY)


def test_files_named_as_real_systems_name_them_are_read_or_named(con, landing):
    # upper-case extension, date-prefixed title, day folder without zero padding
    wb = openpyxl.Workbook()
    signin_sheet(wb.active, [excel_row("a1")])
    folder = landing / "training" / "2026-9-7"
    folder.mkdir(parents=True)
    wb.save(folder / "2026-09-07培训签到表.XLSX")
    # legacy .xls
    import xlwt
    book = xlwt.Workbook()
    sh = book.add_sheet("签到")
    for j, h in enumerate(SIGNIN_HEADER):
        sh.write(0, j, h)
    for j, v in enumerate(["a2", "t1", "王建国", "p1", "2026-09-07", "08:05", "09:00", 2]):
        sh.write(1, j, v)
    (landing / "training" / DAY).mkdir(parents=True)
    book.save(str(landing / "training" / DAY / "签到_旧版.xls"))
    # a file nobody can place, and one dropped straight into landing/training/
    (landing / "training" / DAY / "说明.txt").write_text("请查收", encoding="utf-8")
    (landing / "training" / "签到.xlsx").write_bytes((folder / "2026-09-07培训签到表.XLSX").read_bytes())

    rep = load(con, landing)
    m = manifest(con)
    assert m["training/2026-9-7/2026-09-07培训签到表.XLSX"][:2] == ("signins", "loaded")
    assert m[f"training/{DAY}/签到_旧版.xls"][:2] == ("signins", "loaded")
    assert m[f"training/{DAY}/说明.txt"][1] == "not_recognised"
    assert "day folder" in m["training/签到.xlsx"][2] and m["training/签到.xlsx"][1] == "not_recognised"
    assert sorted(con.execute("SELECT signin_id FROM raw.training__signins").fetchall()) == [("a1",), ("a2",)]
    assert len(rep.not_recognised) == 2
    assert_reconciled(con, "training", rep)


def test_every_sheet_with_the_header_is_read_and_excel_types_convert(con, landing):
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "填表说明"
    info.append(["请按模板填写：教师编号必须与花名册一致"])
    signin_sheet(wb.create_sheet("上午"), [excel_row("m1"), [], excel_row("m2")])
    signin_sheet(wb.create_sheet("下午"), [excel_row("n1", dt.time(14, 0), dt.time(17, 5))])
    (landing / "training" / DAY).mkdir(parents=True)
    wb.save(landing / "training" / DAY / "签到.xlsx")

    rep = load(con, landing)
    assert rep.rejected == []
    rows = con.execute("SELECT signin_id, signin_date, sign_in_time, hours, _extra FROM raw.training__signins "
                       "ORDER BY _row_number").fetchall()
    assert [r[0] for r in rows] == ["m1", "m2", "n1"]
    assert rows[2][1:4] == (dt.date(2026, 9, 7), "14:00:00", 3.0)
    assert [json.loads(r[4])["_sheet"] for r in rows] == ["上午", "上午", "下午"]
    assert con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0] == 0
    assert_reconciled(con, "training", rep)


def test_id_card_as_number_cell_or_wrong_check_digit_is_flagged_not_hashed(con, landing):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["审核编号", "教师编号", "身份证号", "项目编号", "认定学时", "审核结果", "审核日期"])
    ws.append(["c1", "t1", 110101198001010070, "p1", 24, "通过", dt.date(2026, 9, 7)])  # a number cell: digits lost
    ws.append(["c2", "t1", "110101198001011231", "p1", 24, "通过", dt.date(2026, 9, 7)])  # check digit wrong
    ws.append(["c3", "t1", VALID_ID.lower(), "p1", 24, "通过", dt.date(2026, 9, 7)])
    (landing / "training" / DAY).mkdir(parents=True)
    wb.save(landing / "training" / DAY / "学分审核.xlsx")

    rep = load(con, landing)
    # the optional ID is nulled and flagged; the audit itself is loaded
    assert con.execute("SELECT audit_id, id_card_hash FROM raw.training__credit_audits ORDER BY 1").fetchall() == [
        ("c1", None), ("c2", None), ("c3", pseudonymise(VALID_ID))]
    assert con.execute("SELECT row_number, rule, column_name, scope FROM raw.quarantine ORDER BY 1").fetchall() == [
        (1, "number_cell", "id_card", "field"), (2, "check_digit", "id_card", "field")]
    assert rep.totals()["rows_quarantined"] == 0 and rep.totals()["fields_flagged"] == 2
    assert_reconciled(con, "training", rep)


def test_an_optional_field_in_a_bad_format_does_not_drop_the_teacher(con, landing):
    write_roster(landing)
    users = landing / "roster" / DAY / "users.csv"
    write_csv(users, [
        ["sourcedId", "role", "primaryOrgSourcedId", "phone", "metadata.cn.idCard", "metadata.cn.birthYear"],
        ["t1", "teacher", "s1", "+86 138-1234-5678", "110101 19800101 007X", "1980"],
        ["t2", "teacher", "s1", "电话待补", "", "1880"],
        ["u1", "student", "s1", "", "", ""],
        ["t3", "", "s1", "", "", ""],  # a required value blank: the row is quarantined
    ])
    rep = load_source_day(con, landing, "roster", DAY)
    got = dict(con.execute("SELECT sourced_id, phone_hash FROM raw.roster__users").fetchall())
    assert set(got) == {"t1", "t2", "u1"}
    assert got["t1"] == pseudonymise("13812345678") and got["t2"] is None
    assert con.execute("SELECT id_card_hash FROM raw.roster__users WHERE sourced_id = 't1'").fetchone()[0] == \
        pseudonymise(VALID_ID)
    q = con.execute("SELECT row_number, rule, column_name, scope FROM raw.quarantine ORDER BY 1, 2").fetchall()
    assert q == [(2, "pattern", "phone", "field"), (2, "range", "birth_year", "field"), (4, "required", "role", "row")]
    assert rep.totals()["rows_quarantined"] == 1
    assert_reconciled(con, "roster", rep)
    # t2 stays in the roster: their sign-ins are not unknown_reference
    write_csv(landing / "training" / DAY / "签到.csv",
              [SIGNIN_HEADER, ["q1", "t2", "", "p1", DAY, "08:00", "09:00", "1"]])
    load_source_day(con, landing, "training", DAY)
    assert con.execute("SELECT count(*) FROM raw.quarantine WHERE source = 'training'").fetchone()[0] == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_jsonl_encodings_are_detected_like_csv(con, landing, encoding):
    st = {"id": "x1", "actor": {"account": {"name": "u1"}}, "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
          "object": {"id": "q1", "definition": {"type": "http://wudu.local/activitytype/question",
                                                "name": {"zh-CN": "第一题：分数的意义"}}},
          "context": {"extensions": {"http://wudu.local/xapi/subject": "数学"}},
          "result": {"response": "家长电话 13912345678，已联系"},  # free text with a mobile number in it
          "timestamp": f"{DAY}T08:10:00+08:00"}
    path = landing / "platform" / DAY / "statements.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(json.dumps(st, ensure_ascii=False).encode(encoding) + b"\n")
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(codecs.BOM_UTF8)
    rep = load(con, landing, "platform")
    assert con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0] == 0
    subject, response = con.execute("SELECT subject, response FROM raw.platform__xapi_statements").fetchone()
    assert subject == "数学"
    assert response.startswith("家长电话 [phone:") and not find_in_clear(response)
    assert_reconciled(con, "platform", rep)


def test_two_columns_with_one_meaning_reject_the_file_by_name(con, landing):
    header = SIGNIN_HEADER + ["学时"]
    write_csv(landing / "training" / DAY / "签到.csv", [header, ["q1", "t1", "", "p1", DAY, "08:00", "09:00", "1", "2"]],
              "gb18030")
    rep = load(con, landing)
    (f,) = rep.rejected
    assert "[ambiguous_header]" in f.error and "学时" in f.error


def test_a_lesson_that_ends_before_it_starts_is_a_finding(con, landing):
    header = ["session_id", "school_id", "class_id", "teacher_id", "subject", "start_time", "end_time", "students_present"]
    write_csv(landing / "platform" / DAY / "lesson_sessions.csv", [
        header,
        ["ls1", "s1", "k1", "t1", "数学", f"{DAY} 09:00:00", f"{DAY} 08:20:00", "40"],
        ["ls2", "s1", "k1", "t1", "数学", f"{DAY} 10:00:00", f"{DAY} 10:40:00", "40"],
    ])
    rep = load(con, landing, "platform")
    assert con.execute("SELECT row_number, rule, column_name, scope FROM raw.quarantine").fetchall() == [
        (1, "end_before_start", "end_time", "row")]
    assert_reconciled(con, "platform", rep)


def test_two_exports_of_the_same_records_in_one_day_count_once(con, landing):
    rows = [["q1", "t1", "", "p1", DAY, "08:00", "09:00", "1"], ["q2", "t1", "", "p1", DAY, "08:00", "09:00", "2"]]
    old = write_csv(landing / "training" / DAY / "签到.csv", [SIGNIN_HEADER] + rows)
    new = write_csv(landing / "training" / DAY / "签到(1).csv",
                    [SIGNIN_HEADER] + [r[:-1] + ["3"] for r in rows] + [["q3", "t1", "", "p1", DAY, "", "", "1"]],
                    "gb18030")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_100, 1_700_000_100))
    rep = load(con, landing)
    # the later export wins; the earlier one's records are quarantined as duplicate_key
    assert sorted(con.execute("SELECT signin_id, hours, _source_file FROM raw.training__signins").fetchall()) == [
        ("q1", 3.0, f"training/{DAY}/签到(1).csv"), ("q2", 3.0, f"training/{DAY}/签到(1).csv"),
        ("q3", 1.0, f"training/{DAY}/签到(1).csv")]
    assert con.execute("SELECT source_file, rule FROM raw.quarantine").fetchall() == [
        (f"training/{DAY}/签到.csv", "duplicate_key")] * 2
    assert_reconciled(con, "training", rep)


def test_personal_data_found_by_content_never_reaches_raw_in_the_clear(con, landing):
    write_roster(landing)
    write_csv(landing / "roster" / DAY / "users.csv", [
        ["sourcedId", "role", "primaryOrgSourcedId", "identifier", "身份证号", "手机号", "备注"],
        ["t1", "teacher", "s1", "T0001", VALID_ID, "13912345678", "家长电话 139 1234 5679"],
        ["u1", "student", "s1", "G11010120150101123X", "", "", "身份证 110101201501011234 已核"],
    ])
    rep = load_source_day(con, landing, "roster", DAY)
    assert rep.rejected == []
    assert con.execute("SELECT identifier FROM raw.roster__users WHERE sourced_id = 'u1'").fetchone()[0].startswith(
        "[student_no:")
    for schema, table, column in con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'").fetchall():
        for (v,) in con.execute(f'SELECT "{column}" FROM "{schema}"."{table}"').fetchall():
            assert not find_in_clear(v), f"{schema}.{table}.{column}: {v}"


def test_summary_names_every_problem_file_rule_and_fix(tmp_path, capsys):
    from transforms.settings import paths
    from wudu.summary import file_problems, print_file_problems, print_stray_files, stray_files

    p = paths(tmp_path)
    write_roster(p.landing)
    write_csv(p.landing / "training" / DAY / "签到.csv", [["签到编号", "日期"], ["q1", DAY]])
    (p.landing / "notes.txt").write_text("not an export", encoding="utf-8")
    p.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(p.build_db)) as c:
        for source in ("roster", "training"):
            load_source_day(c, p.landing, source, DAY)
    problems = file_problems(tmp_path, DAY, DAY)
    assert [(x["source"], x["path"], x["rule"]) for x in problems] == [
        ("training", f"training/{DAY}/签到.csv", "missing_required_column")]
    assert stray_files(tmp_path) == ["notes.txt"]
    print_file_problems(problems)
    print_stray_files(stray_files(tmp_path))
    out = capsys.readouterr().out
    assert "签到.csv" in out and "missing_required_column" in out and "fix 修复" in out and "notes.txt" in out
    assert "Traceback" not in out
    assert "platform, roster were modelled and published" in out


def test_sensor_and_freshness_read_day_folders_as_the_loader_does(landing):
    from orchestration.freshness import missing_school_days
    from orchestration.jobs import complete_days

    for source, folder in (("roster", "2026-9-7"), ("platform", "20260907"), ("training", DAY)):
        write_csv(landing / source / folder / "x.csv", [["a"], ["1"]])
    assert list(complete_days(landing)) == [DAY]
    assert missing_school_days(landing, "platform", dt.date(2026, 9, 7), lookback=1) == []
