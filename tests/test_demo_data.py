"""The deterministic demo district (transforms.demo): real files in tmp_path, read back with pandas
and the project's readers. The district tests generate 20 school days once (module fixture)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from transforms.contracts import load_contracts
from transforms.demo import days_needed, generate_demo_district, is_school_day
from transforms.readers import read_tabular

START = dt.date(2026, 9, 7)
CONTRACTS = load_contracts()


# ---------------------------------------------------------------------------------------- helpers
def file_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def load_log(landing: Path) -> list[dict]:
    text = (landing.parent / "_demo" / "mutations.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def logged_rows(log: list[dict]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for r in log:
        out[r["file"]].add(r["row_number"])
    return out


def materialise(landing: Path, display: str, scratch: Path) -> Path:
    """The file a log/quarantine path names; members of roster.zip are extracted to scratch."""
    if "!" not in display:
        return landing / display
    zpath, member = display.split("!")
    target = scratch / zpath.replace("/", "_")
    if not (target / member).exists():
        with zipfile.ZipFile(landing / zpath) as zf:
            zf.extractall(target)
    return target / member


def roster_frame(landing: Path, day: str, name: str) -> pd.DataFrame:
    folder = landing / "roster" / day
    if (folder / "roster.zip").exists():
        with zipfile.ZipFile(folder / "roster.zip") as zf:
            data = zf.read(name)
    else:
        data = (folder / name).read_bytes()
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def training_frames(landing: Path, table: str, log: list[dict]) -> pd.DataFrame:
    """All days' files of a training table, canonical columns, logged (defective) rows dropped."""
    bad = logged_rows(log)
    t = CONTRACTS["training"].tables[table]
    frames = []
    for day_dir in sorted((landing / "training").iterdir()):
        for f in sorted(day_dir.iterdir()):
            if any(Path(f.name).match(g) for g in t.files):
                display = f"training/{day_dir.name}/{f.name}"
                df = read_tabular(f, t, display)
                frames.append(df[~df["_row_number"].isin(bad.get(display, set()))].assign(_day=day_dir.name))
    return pd.concat(frames, ignore_index=True)


def iso_minutes(text: str) -> float:
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", text)
    h, mi, s = (int(x) if x else 0 for x in m.groups())
    return h * 60 + mi + s / 60


# ---------------------------------------------------------------------------------------- calendar
def test_school_calendar():
    assert is_school_day(dt.date(2026, 9, 7))
    assert not is_school_day(dt.date(2026, 9, 12))           # Saturday
    assert not is_school_day(dt.date(2026, 9, 25))           # 中秋节 (a Friday)
    assert not any(is_school_day(dt.date(2026, 10, d)) for d in range(1, 8))  # 国庆节
    assert is_school_day(dt.date(2026, 10, 10))              # make-up Saturday (调休)
    assert not is_school_day(dt.date(2026, 8, 20))           # summer vacation
    assert days_needed(START, 20) == 33


# ---------------------------------------------------------------------------------------- tiny
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate_demo_district(tmp_path / name, START, 5, scale="tiny", seed=seed)
    a, b, c = (file_hashes(tmp_path / n) for n in "abc")
    assert a == b
    assert len(a) > 40
    assert a != c


def test_a_day_does_not_depend_on_how_many_days_follow(tmp_path):
    generate_demo_district(tmp_path / "short", START, 3, scale="tiny")
    generate_demo_district(tmp_path / "long", START, 6, scale="tiny")
    short = {k: v for k, v in file_hashes(tmp_path / "short").items() if "_demo" not in k}
    long = file_hashes(tmp_path / "long")
    assert short and all(long[k] == v for k, v in short.items())


def test_tiny_is_fast_and_lands_every_contract_file(tmp_path):
    started = time.monotonic()
    summary = generate_demo_district(tmp_path, START, 5, scale="tiny")
    assert time.monotonic() - started < 5
    landing = tmp_path / "landing"
    assert summary["schools"] == 3 and summary["schools_rural"] == 1
    assert 20 <= summary["teachers"] <= 40 and 150 <= summary["students"] <= 250
    assert json.loads((landing.parent / "_demo" / "summary.json").read_text(encoding="utf-8")) == summary
    for i in range(5):
        day = (START + dt.timedelta(days=i)).isoformat()
        roster = landing / "roster" / day
        names = set(zipfile.ZipFile(roster / "roster.zip").namelist()) if (roster / "roster.zip").exists() \
            else {p.name for p in roster.iterdir()}
        assert names == {"manifest.csv", "orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv",
                         "users.csv", "roles.csv", "enrollments.csv"}
        for t in CONTRACTS["roster"].tables.values():  # the contract's header names, exactly
            assert list(roster_frame(landing, day, t.files[0]).columns) == [c.header for c in t.columns]
        assert {p.name for p in (landing / "platform" / day).iterdir()} >= {"lesson_sessions.csv", "statements.jsonl"}
        assert (landing / "training" / day / "培训项目.xlsx").exists()
    lines = (landing / "platform" / START.isoformat() / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    verbs = {json.loads(x)["verb"]["id"].rsplit("/", 1)[1] for x in lines if x.startswith('{"id"') and x.endswith("}")}
    assert verbs >= {"answered", "assigned", "submitted", "graded", "scored", "experienced"}


def test_error_rate_zero_writes_no_defects(tmp_path):
    summary = generate_demo_district(tmp_path, START, 2, scale="tiny", error_rate=0.0)
    assert summary["mutations"] == 0
    assert load_log(tmp_path / "landing") == []


def test_a_later_window_keeps_the_earlier_days_log(tmp_path):
    generate_demo_district(tmp_path, START, 2, scale="tiny", error_rate=0.05)
    first = load_log(tmp_path / "landing")
    generate_demo_district(tmp_path, START + dt.timedelta(days=2), 2, scale="tiny", error_rate=0.05)
    both = load_log(tmp_path / "landing")
    assert both[: len(first)] == first
    assert {r["day"] for r in both} == {(START + dt.timedelta(days=i)).isoformat() for i in range(4)}


@pytest.fixture(scope="module")
def tiny_two_weeks(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny14")
    generate_demo_district(out, START, 14, scale="tiny", error_rate=0.03)
    return out / "landing"


def test_file_level_quirks(tiny_two_weeks):
    landing = tiny_two_weeks
    signin_csv = sorted((landing / "training").glob("*/签到.csv"))
    raw = [p.read_bytes() for p in signin_csv]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)
    gbk = [b for b in raw if not b.startswith(b"\xef\xbb\xbf")]
    assert gbk and all(_not_utf8(b) for b in gbk)
    assert list((landing / "training").glob("*/签到.xlsx"))
    assert list((landing / "roster").glob("*/roster.zip"))
    titled = 0
    for day_dir in sorted((landing / "training").iterdir()):
        firsts = [pd.read_excel(f, header=None, dtype=str).iloc[0, 1] for f in day_dir.glob("*.xlsx")]
        titled_today = sum(isinstance(v, float) for v in firsts)  # a title row has a single cell
        assert titled_today == 1, day_dir.name
        titled += titled_today
    headers = set()
    for f in (landing / "training").glob("*/*.xlsx"):
        grid = pd.read_excel(f, header=None, dtype=str)
        headers |= {v for v in grid.iloc[:3].to_numpy().ravel() if isinstance(v, str)}
    standard = {c.header for t in CONTRACTS["training"].tables.values() for c in t.columns}
    assert headers - standard  # aliases, full-width brackets or stray spaces on some days


def _not_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return False
    except UnicodeDecodeError:
        b.decode("gb18030")
        return True


def test_every_logged_row_exists_and_carries_its_defect(tiny_two_weeks, tmp_path):
    landing = tiny_two_weeks
    log = load_log(landing)
    assert len(log) > 50
    assert {r["rule"] for r in log} >= {"duplicate_key", "required", "type", "allowed", "range",
                                        "in_partition_day", "unknown_reference"}
    check_logged_rows(landing, log, tmp_path)


def check_logged_rows(landing: Path, log: list[dict], scratch: Path) -> None:
    by_file: dict[str, list[dict]] = defaultdict(list)
    for r in log:
        by_file[r["file"]].append(r)
    for display, records in by_file.items():
        table = CONTRACTS[records[0]["source"]].tables[records[0]["table"]]
        path = materialise(landing, display, scratch)
        if table.format == "jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            for r in records:
                line = lines[r["row_number"] - 1]
                if r["rule"] == "duplicate_key":
                    assert line in lines[: r["row_number"] - 1], r
                elif r["column"] == "_record":
                    with pytest.raises(json.JSONDecodeError):
                        json.loads(line)
                else:
                    assert json.loads(line)["id"], r
            continue
        df = read_tabular(path, table, display).set_index("_row_number")
        cols = [c.name for c in table.columns]
        filled = df[cols].fillna("")
        for r in records:
            row = df.loc[r["row_number"]]
            if r["rule"] == "duplicate_key":
                earlier = filled.loc[: r["row_number"] - 1]
                assert (earlier == filled.loc[r["row_number"]]).all(axis=1).any(), r
            elif r["rule"] == "required":
                assert row[r["column"]] is None, r
            elif r["rule"] == "in_partition_day":
                assert not str(row[r["column"]]).startswith(r["day"]), r
            else:
                assert row[r["column"]] is not None, r


def test_quarantine_equals_the_mutation_log(tmp_path):
    """Loading the demo days quarantines exactly the logged rows, each under its logged rule."""
    from transforms.loader import load_source_day

    generate_demo_district(tmp_path, START, 3, scale="tiny", error_rate=0.03)
    landing = tmp_path / "landing"
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for i in range(3):
        day = (START + dt.timedelta(days=i)).isoformat()
        for source in ("roster", "training", "platform"):
            report = load_source_day(con, landing, source, day)
            assert not report.rejected, [f.error for f in report.rejected]
    got = set(con.execute("SELECT source_file, row_number, rule, column_name FROM raw.quarantine").fetchall())
    con.close()
    want = {(r["file"], r["row_number"], r["rule"], r["column"]) for r in load_log(landing)}
    assert want and got == want


def test_compressed_exports_hold_the_same_records_and_land_the_same(tmp_path):
    """`demo-data --compress` (a city's 20 school days uncompressed outgrow the disk) writes the same
    records: statements gzipped, the roster as OneRoster's zip every day, the same bytes every run;
    the mutation log names the compressed files, and loading them quarantines exactly the log."""
    import gzip

    from transforms.loader import load_source_day

    generate_demo_district(tmp_path / "plain", START, 3, scale="tiny", error_rate=0.03)
    for name in ("gz", "gz_again"):
        generate_demo_district(tmp_path / name, START, 3, scale="tiny", error_rate=0.03, compress=True)
    assert file_hashes(tmp_path / "gz") == file_hashes(tmp_path / "gz_again")
    plain, packed = tmp_path / "plain" / "landing", tmp_path / "gz" / "landing"
    for i in range(3):
        day = (START + dt.timedelta(days=i)).isoformat()
        assert not (packed / "platform" / day / "statements.jsonl").exists()
        assert gzip.decompress((packed / "platform" / day / "statements.jsonl.gz").read_bytes()) == \
            (plain / "platform" / day / "statements.jsonl").read_bytes()
        assert [p.name for p in (packed / "roster" / day).iterdir()] == ["roster.zip"]
        for t in CONTRACTS["roster"].tables.values():
            assert roster_frame(packed, day, t.files[0]).equals(roster_frame(plain, day, t.files[0]))
    log = load_log(packed)
    files = {r["file"] for r in log}
    assert any(f.endswith("statements.jsonl.gz") for f in files) and any("roster.zip!" in f for f in files)
    counts = {}
    for name, landing in (("plain", plain), ("packed", packed)):
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        for i in range(3):
            day = (START + dt.timedelta(days=i)).isoformat()
            for source in ("roster", "training", "platform"):
                report = load_source_day(con, landing, source, day)
                assert not report.rejected, [f.error for f in report.rejected]
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
                                            "AND table_name <> 'file_manifest' ORDER BY 1").fetchall()]
        counts[name] = {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0] for t in tables}
        if name == "packed":
            got = set(con.execute("SELECT source_file, row_number, rule, column_name FROM raw.quarantine").fetchall())
            assert got == {(r["file"], r["row_number"], r["rule"], r["column"]) for r in log}
        con.close()
    assert counts["packed"] == counts["plain"] and counts["plain"]["platform__xapi_statements"] > 1000


# ---------------------------------------------------------------------------------------- district
@pytest.fixture(scope="module")
def district(tmp_path_factory):
    out = tmp_path_factory.mktemp("district")
    days = days_needed(START, 20)
    started = time.monotonic()
    summary = generate_demo_district(out, START, days)
    yield out / "landing", summary, time.monotonic() - started, days
    shutil.rmtree(out, ignore_errors=True)  # ~1 GB of exports: do not leave them in the temp dir


@pytest.mark.slow
def test_district_generates_twenty_school_days(district):
    _, summary, seconds, days = district
    assert summary["school_days"] == 20 and summary["days"] == days
    # how long it took is printed, not asserted (benchmarks are scripts: docs/benchmarks.md)
    print(f"\ndistrict × {days} days generated in {seconds:.0f} s")


@pytest.mark.slow
def test_district_headline_counts(district):
    landing, summary, _, _ = district
    day = START.isoformat()
    orgs = roster_frame(landing, day, "orgs.csv")
    schools = orgs[orgs["type"] == "school"]
    assert len(schools) == 27
    assert (schools["metadata.cn.urbanRural"] == "城镇").sum() == 22
    assert (schools["metadata.cn.urbanRural"] == "乡村").sum() == 5
    assert set(schools["metadata.cn.stage"]) == {"幼儿园", "小学", "初中"}
    assert (schools["metadata.cn.smartSchool"] == "true").all()
    assert schools["metadata.cn.smartClassrooms"].astype(int).sum() == 100
    users = roster_frame(landing, day, "users.csv").drop_duplicates("sourcedId")
    teachers = (users["role"] == "teacher").sum()
    students = (users["role"] == "student").sum()
    assert 1200 <= teachers <= 1600 and 10000 <= students <= 14000
    t_ratio = 100 * schools["metadata.cn.teacherDevices"].astype(int).sum() / teachers
    s_ratio = 100 * schools["metadata.cn.studentDevices"].astype(int).sum() / students
    assert abs(t_ratio - 12.5) <= 1.25 and abs(s_ratio - 15) <= 1.5
    ids = users.loc[users["role"] == "student", "metadata.cn.idCard"]
    assert ids.str.fullmatch(r"[0-9]{17}[0-9X]").mean() > 0.99
    phones = users.loc[users["role"] == "teacher", "phone"]
    assert phones.str.fullmatch(r"1[3-9][0-9]{9}").mean() > 0.99


@pytest.mark.slow
def test_district_packages_trainees_and_satisfaction(district):
    landing, summary, _, _ = district
    log = load_log(landing)
    projects = read_tabular(landing / "training" / START.isoformat() / "培训项目.xlsx",
                            CONTRACTS["training"].tables["projects"], "projects")
    assert set(projects["level"]) >= {"国培", "市培", "区培", "校本"}
    packages = set(projects.loc[projects["is_package"] == "是", "project_id"])
    assert len(packages) == 39
    signins = training_frames(landing, "signins", log)
    pk = signins[signins["project_id"].isin(packages)]
    per_package = pk.groupby("project_id")["teacher_id"].nunique()
    assert len(per_package) == 39 and 18 <= per_package.mean() <= 22
    trainees = set(pk["teacher_id"])
    assert len(trainees) == 694
    users = roster_frame(landing, START.isoformat(), "users.csv").drop_duplicates("sourcedId")
    orgs = roster_frame(landing, START.isoformat(), "orgs.csv")
    rural_schools = set(orgs.loc[orgs["metadata.cn.urbanRural"] == "乡村", "sourcedId"])
    home = dict(zip(users["sourcedId"], users["primaryOrgSourcedId"]))
    share = sum(home[t] in rural_schools for t in trainees) / len(trainees)
    assert abs(share - 0.3775) <= 0.005
    assert any(not is_school_day(dt.date.fromisoformat(d)) for d in set(signins["_day"]))  # weekend training
    survey = training_frames(landing, "survey_responses", log)
    satisfaction = (survey["score"].astype(int) >= 4).mean()
    assert 0.93 <= satisfaction <= 0.97
    audits = training_frames(landing, "credit_audits", log)
    assert len(audits) > 0 and set(audits["result"]) <= {"通过", "不通过", "待审核"}


@pytest.mark.slow
def test_district_lessons_only_on_school_days(district):
    landing, _, _, days = district
    log = load_log(landing)
    shifted = {(r["file"], r["row_number"]) for r in log if r["rule"] == "in_partition_day"}
    orgs = roster_frame(landing, START.isoformat(), "orgs.csv")
    urban = set(orgs.loc[orgs["metadata.cn.urbanRural"] == "城镇", "sourcedId"])
    per_school = defaultdict(int)
    for i in range(days):
        d = START + dt.timedelta(days=i)
        path = landing / "platform" / d.isoformat() / "lesson_sessions.csv"
        assert path.exists() == is_school_day(d), d
        if d.weekday() >= 5 and d != dt.date(2026, 9, 20):  # 9-20 is a make-up school Sunday
            assert not path.exists()
        if not path.exists():
            continue
        df = read_tabular(path, CONTRACTS["platform"].tables["lesson_sessions"], "x")
        display = f"platform/{d.isoformat()}/lesson_sessions.csv"
        ok = [(display, n) not in shifted for n in df["_row_number"]]
        assert df.loc[ok, "start_time"].dropna().str.startswith(d.isoformat()).all()
        for s in df["school_id"].dropna():
            per_school[s] += 1
    classes = roster_frame(landing, START.isoformat(), "classes.csv")
    n_classes = classes.groupby("schoolSourcedId").size()
    rate = {s: per_school[s] / n for s, n in n_classes.items()}
    urban_rate = sum(rate[s] for s in rate if s in urban) / len([s for s in rate if s in urban])
    rural_rate = sum(rate[s] for s in rate if s not in urban) / len([s for s in rate if s not in urban])
    assert rural_rate < urban_rate  # rural schools use their smart classrooms less


@pytest.mark.slow
def test_district_roster_changes_over_the_days(district):
    landing, _, _, days = district
    log = logged_rows(load_log(landing))
    frames = []
    for i in range(days):
        day = (START + dt.timedelta(days=i)).isoformat()
        df = roster_frame(landing, day, "users.csv")
        zipped = (landing / "roster" / day / "roster.zip").exists()
        display = f"roster/{day}/roster.zip!users.csv" if zipped else f"roster/{day}/users.csv"
        df = df[~(pd.RangeIndex(1, len(df) + 1).isin(log.get(display, set())))]
        frames.append(df.assign(day=day))
    users = pd.concat(frames)
    teachers = users[users["role"] == "teacher"]
    moves = teachers.groupby("sourcedId")["primaryOrgSourcedId"].nunique()
    titles = teachers.groupby("sourcedId")["metadata.cn.title"].nunique()
    assert 1 <= (moves > 1).sum() <= 10
    assert 1 <= (titles > 1).sum() <= 10
    students = users[users["role"] == "student"]
    per_day = students.groupby("day")["sourcedId"].nunique()
    assert per_day.iloc[-1] < per_day.iloc[0]  # a few students leave
    assert (students["status"] == "tobedeleted").any()


@pytest.mark.slow
def test_district_homework_breaks_double_reduction_limits_in_a_minority(district):
    landing, _, _, _ = district
    limit = {1: 0, 2: 0, 3: 60, 4: 60, 5: 60, 6: 60, 7: 90, 8: 90, 9: 90}
    student_day = defaultdict(float)
    bad = logged_rows(load_log(landing))
    school_days = [d for d in (START + dt.timedelta(days=i) for i in range(12)) if is_school_day(d)][:5]
    for d in school_days:
        display = f"platform/{d.isoformat()}/statements.jsonl"
        with open(landing / display, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if '/verbs/submitted"' not in line or 'xapi/written":true' not in line or n in bad[display]:
                    continue
                s = json.loads(line)
                ext = s["context"]["extensions"]
                cls, assignment = ext["http://wudu.local/xapi/class"], ext["http://wudu.local/xapi/assignment"]
                key = (cls[4:7], cls[8:10], s["actor"]["account"]["name"], assignment[3:11])
                student_day[key] += iso_minutes(s["result"]["duration"])
    assert student_day
    over_by_school = defaultdict(lambda: [0, 0])
    for (school, grade, _, _), minutes in student_day.items():
        over_by_school[school][0] += minutes > limit[int(grade)]
        over_by_school[school][1] += 1
    over = sum(o for o, _ in over_by_school.values())
    share = over / len(student_day)
    assert over > 0 and share < 0.5
    shares = sorted(o / n for o, n in over_by_school.values())
    assert shares[-1] > 2 * shares[len(shares) // 2]  # more in some schools


@pytest.mark.slow
def test_district_mutation_log(district, tmp_path):
    landing, summary, _, _ = district
    log = load_log(landing)
    assert len(log) == summary["mutations"] > 1000
    sample = [r for r in log if r["day"] <= (START + dt.timedelta(days=1)).isoformat()]
    check_logged_rows(landing, sample, tmp_path)
