"""Open a report page in Debian's headless Chromium, offline, and record what a reader would get.

Used by tests/test_browser.py. Nothing is downloaded: Playwright drives /usr/bin/chromium
(installed by `make browser`), and every request that is not for the page's own file is
aborted and recorded. The facts gathered per page (console and page errors, requests, dialogs,
charts drawn, fonts used for Chinese, visible text) are checked by the tests.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Quiet in a closed network: no GPU, QUIC, first-run, sync, component or background fetches.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
# Families that hold Chinese glyphs; Debian's fonts-noto-cjk provides "Noto Sans CJK SC".
CJK_FAMILY = re.compile(
    r"CJK|Source Han|PingFang|Hiragino|YaHei|WenQuanYi|Heiti|SimHei|SimSun|Droid Sans Fallback",
    re.IGNORECASE,
)
HAN = re.compile(r"[\u4e00-\u9fff]")
# Untrusted text a user or merchant could write (note titles, topics): shown as text, never run.
HOSTILE_TEXTS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "夏日防晒霜测评 <b>不加粗</b> & 真实体验",
)

# Charts: the outermost <svg> and every <img> in the report, with their box and whether they drew.
_CHARTS_JS = """
() => {
  const root = document.querySelector('main') || document.body;
  const outermost = [...root.querySelectorAll('svg, img')]
    .filter(e => !(e.parentElement && e.parentElement.closest('svg')));
  return outermost.map(e => {
    const box = e.getBoundingClientRect();
    const img = e.tagName.toLowerCase() === 'img';
    const marks = img ? 0 : e.querySelectorAll('path, line, rect, polyline, polygon, use, text').length;
    const inner = img ? null : e.getBBox();
    return {
      tag: e.tagName.toLowerCase(),
      label: e.getAttribute('aria-label') || e.getAttribute('alt') || '',
      width: box.width, height: box.height, marks: marks,
      drawn: img ? (e.complete && e.naturalWidth > 0)
                 : (marks > 0 && inner.width > 0 && inner.height > 0),
    };
  });
}
"""
# Mark, for the font check, the first heading, table cell and chart label holding Chinese.
_MARK_CJK_JS = """
(han) => {
  const re = new RegExp(han);
  const marked = [];
  for (const selector of ['h1, h2', 'td, th', 'svg text']) {
    const el = [...document.querySelectorAll(selector)].find(e => re.test(e.textContent));
    if (el) { el.setAttribute('data-cjk-probe', selector); marked.push(selector); }
  }
  return marked;
}
"""
_INERT_JS = """
() => ({
  scripts: document.querySelectorAll('script').length,
  handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length,
  non_inline_images: [...document.querySelectorAll('img')]
    .filter(i => !i.getAttribute('src').startsWith('data:')).length,
})
"""


@dataclass
class PageCheck:
    path: Path
    size_bytes: int
    lang: str = ""
    expected_charts: int | None = None  # the page's redcat-charts stamp
    charts: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # Requests the page tried (the browser's CSP may refuse them before any network access),
    # and those that got past it to the network layer, where the gate aborted them.
    attempted_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    inert: dict = field(default_factory=dict)
    text: str = ""
    cjk_fonts: dict[str, list[dict]] = field(default_factory=dict)
    screenshot: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def drawn_charts(self) -> int:
        return sum(1 for c in self.charts if c["drawn"] and c["width"] > 0 and c["height"] > 0)


def launch(playwright, env: dict[str, str] | None = None):
    """Debian's Chromium, headless, never a downloaded browser."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)


def latin_only_fonts(folder: Path) -> dict[str, str]:
    """Environment for a Chromium that sees no CJK font (fontconfig limited to DejaVu)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{folder / 'cache'}</cachedir>"
        "</fontconfig>",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf), "HOME": str(folder)}


def check_page(browser, html: Path, screenshot_dir: Path | None = None) -> PageCheck:
    """Load `html` from disk with the network blocked and gather what the tests check."""
    html = Path(html).resolve()
    result = PageCheck(path=html, size_bytes=html.stat().st_size)
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:

        def gate(route):
            url = route.request.url
            if url.startswith("file:"):
                route.continue_()
            else:
                result.outside_requests.append(url)
                route.abort()

        context.route("**/*", gate)
        page = context.new_page()
        page.on(
            "console",
            lambda m: result.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: result.page_errors.append(str(e)))
        page.on("request", lambda r: _note_request(result, r.url, html))

        def dialog(d):
            result.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(html.as_uri(), wait_until="load")
        page.wait_for_timeout(100)  # let late errors (a blocked image, a script) surface
        result.lang = page.evaluate("() => document.documentElement.lang")
        stamp = page.locator('meta[name="redcat-charts"]')
        if stamp.count():
            result.expected_charts = int(stamp.first.get_attribute("content"))
        result.charts = page.evaluate(_CHARTS_JS)
        result.inert = page.evaluate(_INERT_JS)
        result.text = page.inner_text("body")
        if screenshot_dir is not None:
            screenshot_dir.mkdir(parents=True, exist_ok=True)
            result.screenshot = screenshot_dir / f"{html.stem}.png"
            page.screenshot(path=str(result.screenshot), full_page=True)
        result.cjk_fonts = _cjk_fonts(page)
    finally:
        context.close()
    return result


def _note_request(result: PageCheck, url: str, html: Path) -> None:
    # The page's own file is the one request allowed; data: images are inline, not fetched.
    if url != html.as_uri() and not url.startswith("data:"):
        result.attempted_requests.append(url)


def _cjk_fonts(page) -> dict[str, list[dict]]:
    """Per probed element, the fonts Chromium actually drew its glyphs with (DevTools' CSS)."""
    marked = page.evaluate(_MARK_CJK_JS, HAN.pattern)
    if not marked:
        return {}
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    fonts = {}
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-cjk-probe]"})[
        "nodeIds"
    ]:
        attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        probe = dict(zip(attrs[::2], attrs[1::2], strict=True))["data-cjk-probe"]
        fonts[probe] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


def cjk_glyphs(fonts: list[dict]) -> int:
    """Glyphs drawn with a font that has Chinese in it (0 means missing-glyph boxes)."""
    return sum(f["glyphCount"] for f in fonts if CJK_FAMILY.search(f["familyName"]))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    header = Path(path).read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", header[16:24])
