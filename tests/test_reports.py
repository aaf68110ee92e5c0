"""五度 reports on a real demo warehouse, checked in a real headless browser (Debian's chromium).

One session-scoped warehouse: the tiny demo district run through every asset, reports included.
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def report_run(demo_run):
    """The session's demo run (tests/conftest.py) includes five_degree_reports: its data dir and metadata."""
    data, result = demo_run
    mats = [e for e in result.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey("five_degree_reports")]
    return data, mats[0].materialization.metadata


def _mart(data: Path, sql: str, params=None):
    with duckdb.connect(str(data / "warehouse" / "wudu.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _term_dir(data: Path) -> Path:
    folders = [p for p in (data / "reports").iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


def test_asset_writes_a_report_per_district_and_school_with_links(report_run):
    data, meta = report_run
    folder = _term_dir(data)
    schools = {r[0] for r in _mart(data, "SELECT school_id FROM marts.dim_school WHERE is_current")}
    districts = {r[0] for r in _mart(data, "SELECT district_id FROM marts.dim_district")}
    assert len(schools) >= 3
    assert {p.name for p in folder.glob("school-*.html")} == {f"school-{s}.html" for s in schools}
    assert {p.name for p in folder.glob("district-*.html")} == {f"district-{d}.html" for d in districts}
    assert len(list(folder.glob("*.xlsx"))) == len(schools) + len(districts)
    # the UI links to the files and shows the district radar
    assert meta["district_report"].value.startswith("file://") and meta["district_report"].value.endswith(".html")
    assert meta["reports"].value == len(schools) + len(districts)
    assert "data:image/png;base64," in meta["district_radar"].value
    assert all(f"school-{s}.html" in meta["files"].value for s in schools)


def test_excel_has_chinese_headers_and_the_mart_numbers(report_run):
    from openpyxl import load_workbook

    data, _ = report_run
    folder = _term_dir(data)
    school = sorted(folder.glob("school-*.xlsx"))[0]
    school_id = school.stem.removeprefix("school-")
    wb = load_workbook(school)
    ws = wb["五度评教维度"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["对象 series", "维度", "维度代码 dimension", "得分 score"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    mart = _mart(data, "SELECT * FROM marts.fct_teacher_five_degree_rollup WHERE rollup_level = 'school' "
                       "AND rollup_value = ?", [school_id])
    cols = [r[0] for r in _mart(data, "SELECT column_name FROM information_schema.columns WHERE table_name = "
                                      "'fct_teacher_five_degree_rollup' ORDER BY ordinal_position")]
    mart_row = dict(zip(cols, mart[0]))
    own = [r for r in rows if r[0].startswith("本校")]
    assert len(own) == 5
    for r in own:
        assert r[3] == mart_row[f"avg_{r[2]}"] and r[4] == mart_row[f"n_{r[2]}"], r
        assert (r[3] is None) == bool(r[6]), "a missing score carries a reason, a score does not"


def _school_with_null(data: Path) -> tuple[str, str, str]:
    """A school whose roll-up has a NULL dimension (and at least one scored one), from the marts."""
    dims = _mart(data, "SELECT evaluation, dimension FROM seeds.five_degree_dimensions ORDER BY evaluation, sort_order")
    for evaluation, dim in dims:
        rollup = f"marts.fct_{evaluation}_five_degree_rollup"
        others = " OR ".join(f"avg_{d} IS NOT NULL" for e, d in dims if e == evaluation and d != dim)
        hit = _mart(data, f"SELECT rollup_value FROM {rollup} WHERE rollup_level = 'school' AND avg_{dim} IS NULL "
                          f"AND ({others}) ORDER BY rollup_value LIMIT 1")
        if hit:
            return hit[0][0], evaluation, dim
    raise AssertionError("the demo warehouse has no school with a NULL dimension")


def test_school_report_in_headless_chromium(report_run, tmp_path):
    from playwright.sync_api import sync_playwright

    data, _ = report_run
    folder = _term_dir(data)
    school_id, evaluation, null_dim = _school_with_null(data)
    page_path = folder / f"school-{school_id}.html"
    registry = _mart(data, "SELECT dimension, label_zh FROM seeds.five_degree_dimensions WHERE evaluation = ? "
                           "ORDER BY sort_order", [evaluation])
    cols = [r[0] for r in _mart(data, "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                      "ORDER BY ordinal_position", [f"fct_{evaluation}_five_degree_rollup"])]
    mart_row = dict(zip(cols, _mart(data, f"SELECT * FROM marts.fct_{evaluation}_five_degree_rollup WHERE "
                                          "rollup_level = 'school' AND rollup_value = ?", [school_id])[0]))

    requests = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.as_uri(), wait_until="networkidle")
        chart = f"radar-{evaluation}"

        # five labelled axes, in Chinese, named as the registry names them
        labels = {d: page.locator(f"#{chart}-axis-{d}").text_content() for d, _ in registry}
        assert len(labels) == 5
        for d, zh in registry:
            assert HAN.search(labels[d]) and zh in labels[d], (d, labels[d])
        assert "缺失" in labels[null_dim]

        # geometry: the frame (0..100) and the unit's points in the SVG's user space
        geo = page.evaluate(f"""() => {{
            const frame = document.querySelector('#{chart}-frame path, #{chart}-frame').getBBox();
            const pts = {{}};
            document.querySelectorAll('[id^="{chart}-point-"]').forEach(g => {{
                const u = g.querySelector('use');
                pts[g.id.replace('{chart}-point-', '')] = [parseFloat(u.getAttribute('x')), parseFloat(u.getAttribute('y'))];
            }});
            const line = document.querySelector('#{chart}-line-0 path').getAttribute('d');
            return {{frame: [frame.x, frame.y, frame.width, frame.height], pts, line}};
        }}""")
        cx, cy = geo["frame"][0] + geo["frame"][2] / 2, geo["frame"][1] + geo["frame"][3] / 2
        radius = geo["frame"][2] / 2
        scored = {d for d, _ in registry if mart_row[f"avg_{d}"] is not None}
        assert set(geo["pts"]) == scored, "a point for every scored dimension and none for a NULL one"
        for d in scored:  # each point sits at its mart value on the 0-100 scale
            x, y = geo["pts"][d]
            assert math.isclose(math.hypot(x - cx, y - cy) / radius * 100, mart_row[f"avg_{d}"], abs_tol=0.5), d
        # the unit's line has no vertex at the centre unless a scored value is really 0
        vertices = [tuple(map(float, m)) for m in re.findall(r"[ML]\s*(-?[\d.]+)\s+(-?[\d.]+)", geo["line"])]
        assert vertices
        at_centre = [v for v in vertices if math.hypot(v[0] - cx, v[1] - cy) < radius * 0.01]
        if all(mart_row[f"avg_{d}"] != 0 for d in scored):
            assert not at_centre, at_centre

        # the numbers in the table equal the marts, with their n; the NULL one says why
        for d, _ in registry:
            cell = page.locator(f"table.scores-{evaluation} td[data-dim='{d}'][data-series='0']")
            score, n = cell.get_attribute("data-score"), int(cell.get_attribute("data-n"))
            assert n == mart_row[f"n_{d}"]
            if mart_row[f"avg_{d}"] is None:
                assert score == "" and "缺失 missing" in cell.inner_text() and "/" in cell.inner_text()
            else:
                assert float(score) == mart_row[f"avg_{d}"] and f"{mart_row[f'avg_{d}']:.2f}" in cell.inner_text()
        bands = dict(_mart(data, f"SELECT coalesce(band, '未评定'), count(*) FROM marts.fct_{evaluation}_five_degree_term "
                                 "WHERE school_id = ? GROUP BY 1", [school_id]))
        for band in [r[0] for r in _mart(data, "SELECT band FROM seeds.five_degree_bands")] + ["未评定"]:
            cell = page.locator(f"table.bands-{evaluation} td[data-band='{band}'][data-scope='unit']")
            assert int(cell.inner_text()) == bands.get(band, 0), band

        shot = tmp_path / "school.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()

    assert requests and all(u.startswith(("file://", "data:")) for u in requests), requests
    import matplotlib.image as mpimg

    pixels = mpimg.imread(str(shot))[..., :3]
    assert pixels.shape[0] > 1000 and pixels.shape[1] >= 1200
    ink = (pixels.min(axis=2) < 0.9).mean()  # share of pixels that are not (near) white
    assert ink > 0.03 and pixels.std() > 0.05, (ink, pixels.std())


def test_cli_teacher_report_names_evidence_and_reason(report_run, tmp_path, monkeypatch):
    from wudu.cli import main

    data, _ = report_run
    monkeypatch.setenv("WUDU_DATA_DIR", str(data))
    hit = None
    for dim, min_ev in _mart(data, "SELECT dimension, min_evidence FROM seeds.five_degree_dimensions "
                                   "WHERE evaluation = 'teacher' ORDER BY sort_order"):
        rows = _mart(data, f"SELECT teacher_id, evidence_{dim} FROM marts.fct_teacher_five_degree_term "
                           f"WHERE {dim} IS NULL ORDER BY evidence_{dim} DESC, teacher_id LIMIT 1")
        if rows:
            hit = (rows[0][0], dim, rows[0][1], min_ev)
            break
    assert hit, "no teacher with a NULL dimension in the demo"
    teacher, dim, evidence, min_ev = hit
    assert main(["report", "--teacher", teacher, "--out", str(tmp_path), "--no-excel"]) == 0
    page = next(tmp_path.glob(f"*/teacher-{teacher}.html")).read_text(encoding="utf-8")
    cell = re.search(rf'<td class="missing" data-dim="{dim}"[^>]*>(.*?)</td>', page).group(1)
    assert f"证据 evidence={evidence}" in cell
    assert ("无证据" in cell) if evidence == 0 else (f"({evidence} &lt; {min_ev})" in cell)
    # nothing to fetch: no script, no external src/href/url() (SVG namespace URIs are names, not requests)
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//""", page)


def test_district_report_shows_research_packages_and_careers(report_run):
    """Issue 17: the district page carries the 课题 / 项目包 / 信息技术2.0 / 队伍 figures of the marts."""
    data, _ = report_run
    district = _mart(data, "SELECT district_id FROM marts.dim_district")[0][0]
    html = (_term_dir(data) / f"district-{district}.html").read_text(encoding="utf-8")
    assert "教科研与队伍建设" in html
    section = html[html.index("教科研与队伍建设"):]
    for stage, topics in _mart(data, "SELECT topic_stage, sum(topics) FROM marts.fct_research_stage_summary GROUP BY 1"):
        assert f"课题（{stage}）" in section and f">{int(topics)}<" in section
    trainees, share = _mart(data, "SELECT trainees, rural_share_pct FROM marts.fct_project_package_programme")[0]
    assert f">{trainees}<" in section and f">{share:.2f}<" in section
    schools = _mart(data, "SELECT count(*) FROM marts.fct_it20_school")[0][0]
    assert f">{schools}<" in section
    # school pages do not carry the district programmes
    school = _mart(data, "SELECT school_id FROM marts.dim_school WHERE is_current LIMIT 1")[0][0]
    assert "教科研与队伍建设" not in (_term_dir(data) / f"school-{school}.html").read_text(encoding="utf-8")
