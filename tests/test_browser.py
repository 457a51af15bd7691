"""Every HTML page of a real run, opened offline in headless Chromium as a stakeholder would.

One `redcat run` (all notebooks, Chinese) on a small world whose note titles and topics are
hostile or Chinese text (`hostile_world`); the titles reach the conversion report's table of
live notes. Each page of the run (NN_*.html, report.html, and reports/index.html when the
runner writes one) is loaded from disk with every non-file request aborted, and must: log no
console or page error, request nothing but itself, draw as many charts as its
`redcat-charts` stamp says (counted from the notebook's outputs at export), open no dialog,
show the hostile titles as text, and draw Chinese with a CJK font. A full-page screenshot of
each page is written to $REDCAT_SCREENSHOTS (default /tmp/redcat-browser-test/) for a person.

Prerequisites: /usr/bin/chromium and fonts-noto-cjk (Debian packages), installed by
`make browser`, which `make test` runs first.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pytest

from browser_harness import (
    HOSTILE_TEXTS,
    check_page,
    cjk_glyphs,
    latin_only_fonts,
    launch,
    png_size,
)
from redcat.params import RunParams
from redcat.report.html import count_charts
from redcat.runner import EXIT_OK, discover_notebooks, run

pytestmark = pytest.mark.slow
log = logging.getLogger(__name__)

SCREENSHOTS = Path(
    os.environ.get("REDCAT_SCREENSHOTS", Path(tempfile.gettempdir()) / "redcat-browser-test")
)
EMAIL_LIMIT_BYTES = 2_000_000  # a report must travel as an e-mail attachment


@pytest.fixture(scope="module")
def hostile_run(hostile_world, tmp_path_factory) -> Path:
    reports = tmp_path_factory.mktemp("reports")
    outcome = run(RunParams(data_dir=str(hostile_world), language="zh"), reports_dir=reports)
    assert outcome.exit_code == EXIT_OK, outcome.message
    return outcome.run_dir


def report_pages(run_dir: Path) -> list[Path]:
    """The run's pages: its HTML files, and the reports folder's index pages when there are."""
    return sorted(run_dir.glob("*.html")) + sorted(run_dir.parent.glob("index*.html"))


def expected_charts(page) -> int:
    """The page's stamp; a page not made by the exporter (no stamp) by counting its markup."""
    if page.expected_charts is not None:
        return page.expected_charts
    assert page.name.startswith("index"), f"{page.name} has no redcat-charts stamp"
    return count_charts(page.path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def playwright(hostile_run):
    """Started after the run: papermill's event loop and Playwright's never overlap."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright):
    chromium = launch(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def pages(hostile_run, browser):
    checked = [check_page(browser, page, SCREENSHOTS) for page in report_pages(hostile_run)]
    for page in checked:
        log.warning(
            "%s: %.0f KB, %d/%s charts drawn, screenshot %s",
            page.name,
            page.size_bytes / 1024,
            page.drawn_charts,
            page.expected_charts,
            page.screenshot,
        )
    return checked


def test_every_page_of_the_run_is_checked(pages, hostile_run):
    names = {p.name for p in pages}
    notebooks = discover_notebooks()
    per_notebook = [nb.with_suffix(".html").name for nb in notebooks]
    # Each notebook publishes its own page (the summary may publish report.html instead).
    missing = [n for n in per_notebook if n not in names]
    assert len(missing) <= ("report.html" in names), (missing, names)
    assert len(pages) >= len(notebooks)


def test_no_console_errors_and_no_page_errors(pages):
    for page in pages:
        assert page.console_errors == [], page.name
        assert page.page_errors == [], page.name


def test_no_request_leaves_the_file(pages):
    for page in pages:
        assert page.attempted_requests == [], page.name  # not even one the policy refused
        assert page.outside_requests == [], page.name


def test_every_chart_is_drawn(pages):
    for page in pages:
        assert len(page.charts) == expected_charts(page) > 0, (page.name, page.charts)
        for chart in page.charts:
            assert chart["drawn"], (page.name, chart)
            assert chart["width"] >= 200 and chart["height"] >= 100, (page.name, chart)
    assert sum(len(p.charts) for p in pages) >= 13  # 01-03 hold 4 + 4 + 5 today


def test_hostile_titles_show_as_text_and_run_nothing(pages):
    for page in pages:
        assert page.dialogs == [], page.name
        assert page.inert == {"scripts": 0, "handlers": 0, "non_inline_images": 0}, page.name
    shown = "\n".join(p.text for p in pages)
    for text in HOSTILE_TEXTS:
        assert text in shown, f"data text {text!r} is not on any page as text"


def test_chinese_is_drawn_with_a_cjk_font(pages):
    chinese = [p for p in pages if p.lang.startswith("zh")]
    assert len(chinese) >= 3  # the run is in Chinese
    for page in chinese:
        # Headings, table cells and chart labels that hold Chinese: drawn from a CJK font.
        assert "h1, h2" in page.cjk_fonts, page.name
        for element, fonts in page.cjk_fonts.items():
            assert cjk_glyphs(fonts) > 0, (page.name, element, fonts)
    for report in (p for p in chinese if p.name[:2].isdigit()):
        assert set(report.cjk_fonts) == {"h1, h2", "td, th", "svg text"}, report.name


def test_pages_are_small_enough_to_email(pages):
    for page in pages:
        assert 10_000 < page.size_bytes < EMAIL_LIMIT_BYTES, (page.name, page.size_bytes)


def test_a_screenshot_of_each_page_is_written(pages):
    for page in pages:
        width, height = png_size(page.screenshot)
        assert width == 1280 and height > 900, (page.name, width, height)  # the full page


def test_the_checks_catch_a_fetch_a_script_and_a_dialog(hostile_run, browser, tmp_path):
    """Negative control: the same page with a planted fetch and script, with and without CSP."""
    page = next(iter(sorted(hostile_run.glob("[0-9][0-9]_*.html"))))
    planted = '<img src="https://example.invalid/p.png"><script>alert("planted")</script>'
    html = page.read_text(encoding="utf-8").replace("</main>", planted + "</main>", 1)
    with_csp = tmp_path / "with_csp.html"
    with_csp.write_text(html, encoding="utf-8")
    without_csp = tmp_path / "without_csp.html"
    without_csp.write_text(
        html.replace("Content-Security-Policy", "X-Disabled-Policy", 1), encoding="utf-8"
    )
    guarded, bare = check_page(browser, with_csp), check_page(browser, without_csp)
    # The report's policy stops both before anything happens, and says so in the console.
    assert guarded.attempted_requests == ["https://example.invalid/p.png"]
    assert guarded.outside_requests == [] and guarded.dialogs == []
    refused = [e for e in guarded.console_errors if "Content Security Policy" in e]
    assert len(refused) == 2, guarded.console_errors  # the image and the inline script
    # Without it, the harness sees the fetch (aborted at the network gate) and the alert.
    assert bare.outside_requests == ["https://example.invalid/p.png"]
    assert bare.dialogs == ["alert: planted"]


def test_the_font_check_sees_missing_glyph_boxes(hostile_run, playwright, tmp_path):
    """Negative control: a Chromium without CJK fonts draws boxes, and the check says so."""
    page = next(iter(sorted(hostile_run.glob("[0-9][0-9]_*.html"))))
    latin_only = launch(playwright, env=latin_only_fonts(tmp_path / "fonts"))
    try:
        boxes = check_page(latin_only, page)
    finally:
        latin_only.close()
    assert boxes.cjk_fonts and all(cjk_glyphs(f) == 0 for f in boxes.cjk_fonts.values())
