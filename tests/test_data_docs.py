"""The engineer's view of validation: a suite is green at the demo's intended error rate and red for
a broken export; its Data Docs page opens offline in a real (headless) Chromium with its styles."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb
import pytest

from expectations.data_docs import prune_sites, site_name
from expectations.runner import SuiteRunner, validate_batch
from transforms.contracts import load_contracts
from transforms.loader import load_source_day

DAY = "2026-09-07"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def roster_day(tmp_path_factory):
    """One tiny demo day of roster exports (≈1% rows broken on purpose), landed into DuckDB."""
    from transforms.demo import generate_demo_district

    root = tmp_path_factory.mktemp("docs")
    generate_demo_district(root / "data", dt.date.fromisoformat(DAY), 1, scale="tiny")
    con = duckdb.connect(str(root / "w.duckdb"))
    report = load_source_day(con, root / "data" / "landing", "roster", DAY)
    assert report.totals()["rows_quarantined"] > 0, "the demo should break a few rows"
    yield root, con
    con.close()


def test_suite_green_at_the_demo_rate_and_red_above_the_threshold(roster_day):
    root, con = roster_day
    table = load_contracts()["roster"].tables["enrollments"]
    batch = "_gx_batch__enrollments"
    runner = SuiteRunner(root / "gx_docs" / site_name("runabcdef12", DAY, DAY), run_name="runabcde")
    n, bad = con.execute(f"SELECT count(*), count(*) FILTER (WHERE _quarantined) FROM {batch}").fetchone()
    assert 0 < bad / n <= table.max_quarantine_share
    ok = validate_batch(con, runner, batch, table, DAY, None)
    assert ok.success, [(o.rule, o.column, o.unexpected_count) for o in ok.failed]
    assert any(o.rule == "quarantine_share" for o in ok.outcomes)

    # a broken export: a tenth of the rows lose their class — the loader would quarantine them all
    con.execute(f"CREATE TEMP TABLE _broken AS SELECT * FROM {batch}")
    con.execute("UPDATE _broken SET class_sourced_id = NULL, _quarantined = true WHERE _row_number % 10 = 0")
    broken = validate_batch(con, runner, "_broken", table, DAY, None)
    assert not broken.success
    assert {"quarantine_share", "required"} <= {o.rule for o in broken.failed}
    # the same runner goes on to the next day of a run (one context, one site per run)
    next_day = validate_batch(con, runner, batch, table, "2026-09-08", None)
    runner.build_docs()
    assert ok.docs_url and ok.docs_url.startswith("file://") and ok.docs_url != broken.docs_url
    assert next_day.docs_url and next_day.docs_url != ok.docs_url


def _open_offline(url: str) -> tuple[list[str], dict]:
    """Open a page in headless Chromium; every request that is not file:// is recorded and aborted."""
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()

            def guard(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(url, wait_until="load")
            facts = page.evaluate("""() => ({
                sheets: document.styleSheets.length,
                rules: Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0),
                font: getComputedStyle(document.body).fontFamily,
                cellBorder: (() => { const td = document.querySelector('td');
                                     return td ? getComputedStyle(td).borderTopStyle : null; })(),
                text: document.body.innerText,
            })""")
        finally:
            browser.close()
    return outside, facts


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium not installed")
def test_data_docs_open_offline_with_styles(roster_day):
    root, con = roster_day
    table = load_contracts()["roster"].tables["users"]
    site = root / "gx_docs" / site_name("run0offline", DAY, DAY)
    runner = SuiteRunner(site, run_name="run0offl")
    outcome = validate_batch(con, runner, "_gx_batch__users", table, DAY, None)
    runner.build_docs()
    assert not (site / "static").exists(), "GX's 4 MB of fonts and images are not copied into every site"
    page = Path(unquote(urlparse(outcome.docs_url).path))
    assert page.is_relative_to(site)
    html = page.read_text(encoding="utf-8")
    assert "https://" not in "".join(l for l in html.splitlines() if "<link" in l or "<script src" in l)

    seen = {}
    for url in (runner.site_url, outcome.docs_url):
        outside, facts = seen[url] = _open_offline(url)
        assert outside == [], f"requests leaving file:// from {url}: {outside}"
        assert facts["sheets"] >= 1 and facts["rules"] > 20, facts
        assert "Noto Sans CJK SC" in facts["font"], facts["font"]  # our inline stylesheet applied
        assert facts["cellBorder"] == "solid", facts
    # the validation page names the Dagster run, not GX's `__none__`
    assert "run0offl" in facts["text"] and "__none__" not in facts["text"]
    # the index lists the validation (drawn without jQuery/bootstrap-table from the page's own data)
    assert "run0offl_2026-09-07" in seen[runner.site_url][1]["text"]


def test_old_sites_are_pruned(tmp_path):
    import os
    import time

    for i in range(5):
        d = tmp_path / site_name(f"run{i:05d}xyz", DAY, "2026-09-08")
        d.mkdir()
        os.utime(d, (time.time() + i, time.time() + i))
    removed = prune_sites(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-09-07_2026-09-08__run00003", "2026-09-07_2026-09-08__run00004"]
    assert len(removed) == 3


def test_in_partition_day_holds_for_date_columns(roster_day):
    """Sign-ins carry a DATE day column: rows on the partition day pass (a `date` bound against
    pandas' datetime64 used to fail every row-free night)."""
    root, con = roster_day
    load_source_day(con, root / "data" / "landing", "training", DAY)
    table = load_contracts()["training"].tables["signins"]
    outcome = validate_batch(con, SuiteRunner(), "_gx_batch__signins", table, DAY, None)
    rule = next(o for o in outcome.outcomes if o.rule == "in_partition_day")
    on_day = con.execute("SELECT count(*) FILTER (WHERE NOT _quarantined) FROM _gx_batch__signins").fetchone()[0]
    assert on_day > 0 and rule.success, rule
