"""Issue 17 contracts: the research-management, 项目包, 台账, 教师发展档案, 历年学时, IT-2.0 and course-library
exports read as the real systems write them (Chinese headers, aliases, full-width brackets, GB18030,
XLSX with a title), their file names are told apart, and their personal columns never pass raw."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from transforms.contracts import load_contracts
from transforms.landing import match_tables
from transforms.loader import ensure_raw_schema
from transforms.readers import read_tabular

TRAINING = load_contracts()["training"].tables
NEW = ["research_topics", "topic_members", "topic_milestones", "topic_outputs", "package_members",
       "package_assessments", "ledger_entries", "teacher_careers", "hour_archive", "it20_schools",
       "resource_courses", "resource_uses"]
SAMPLE = {"string": "是", "integer": "3", "number": "12.5", "boolean": "是", "date": "2026-09-07",
          "timestamp": "2026-09-07 10:00:00"}
STAGING = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "staging"


def sample_value(col) -> str:
    if col.allowed:
        return col.allowed[0]
    if col.pii == "id_card":
        return "11010519800101001X"
    if col.pii == "phone":
        return "13800138000"
    if col.type == "string":
        return f"{col.name}-1"
    return SAMPLE[col.type]


@pytest.mark.parametrize("table", NEW)
def test_each_export_reads_from_its_chinese_headers_in_gb18030(tmp_path, table):
    t = TRAINING[table]
    assert all(not c.header.isascii() for c in t.columns), "the real systems export Chinese headers"
    path = tmp_path / f"{t.files[0].split('*')[0]}.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.header for c in t.columns])
        w.writerow([sample_value(c) for c in t.columns])
    df = read_tabular(path, t, path.name)
    assert len(df) == 1
    for c in t.columns:
        assert df.loc[0, c.name] == sample_value(c), c.name


def test_aliases_full_width_brackets_and_a_titled_workbook(tmp_path):
    t = TRAINING["resource_uses"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年秋季课程资源使用记录（导出日期：2026-09-07）"])
    ws.append([])
    # an alias (使用方式), full-width brackets (学习时长（分钟）), stray spaces and an English alias
    ws.append(["记录编号", " 课程编号 ", "工号", "使用方式", "used_at", "学习时长（分钟）"])
    ws.append(["ZY1", "KC0001", "tch-00001", "学习", dt.datetime(2026, 9, 7, 19, 30), 35])
    path = tmp_path / "资源使用.xlsx"
    wb.save(path)
    df = read_tabular(path, t, path.name)
    row = df.iloc[0]
    assert (row["use_id"], row["course_id"], row["teacher_id"], row["action"]) == ("ZY1", "KC0001", "tch-00001", "学习")
    assert row["minutes"] == "35" and row["used_at"].startswith("2026-09-07 19:30")


@pytest.mark.parametrize("name,table", [
    ("课题立项.xlsx", "research_topics"), ("2026年课题立项清单.xlsx", "research_topics"),
    ("课题成员.csv", "topic_members"), ("课题节点.xlsx", "topic_milestones"), ("课题成果.CSV", "topic_outputs"),
    ("项目包学员.xlsx", "package_members"), ("2026年项目包验收结果.xlsx", "package_assessments"),
    ("三本台账.csv", "ledger_entries"), ("教师发展档案.xlsx", "teacher_careers"), ("历年学时.csv", "hour_archive"),
    ("能力提升工程2.0.xlsx", "it20_schools"), ("课程资源库.csv", "resource_courses"), ("资源使用.csv", "resource_uses"),
    ("培训项目.xlsx", "projects"), ("签到.csv", "signins"),
])
def test_file_names_fit_exactly_one_table(name, table):
    assert match_tables(name, TRAINING) == [table]


def test_personal_columns_stop_at_raw():
    """Raw keeps only the hash of a personal column; staging does not select the hash at all."""
    con = duckdb.connect()
    ensure_raw_schema(con)
    for table in NEW:
        t = TRAINING[table]
        cols = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' "
                                           "AND table_name = ?", [f"training__{table}"]).fetchall()}
        pii = [c.name for c in t.columns if c.pii]
        for name in pii:
            assert f"{name}_hash" in cols and name not in cols, (table, name)
        staged = yaml.safe_load((STAGING / f"stg_training__{table}.yml").read_text(encoding="utf-8"))
        staged_cols = {c["name"] for c in staged["models"][0]["columns"]}
        assert not [c for c in staged_cols if c.endswith("_hash") or c in pii], table
        assert "_hash" not in (STAGING / f"stg_training__{table}.sql").read_text(encoding="utf-8"), table
    assert sum(bool([c for c in TRAINING[t].columns if c.pii]) for t in NEW) == 6  # topics, members, packages, careers, archive, courses
