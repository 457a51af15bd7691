"""Executed notebook → one self-contained HTML file a stakeholder can open offline.

nbconvert's stock HTML loads require.js, MathJax and more from public CDNs and shows the code.
Ours (template `redcat_html`) shows only outputs and markdown, inlines a small stylesheet, and
draws charts as inline SVG; before writing, the page is scanned and refused if anything in it
would load from elsewhere. Two stamps in the page's <head> back this up in the reader's browser:
a Content-Security-Policy that forbids every fetch and every script (so even a bug that slipped
past the scan cannot load or run anything), and `<meta name="redcat-charts">`, the number of
charts the notebook's outputs hold, which the browser test compares with the charts it sees
drawn. The file is written to a temp file and renamed into place, so a reader never opens half
a report.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters import DataTypeFilter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from redcat.config import TEMPLATES_DIR

log = logging.getLogger(__name__)

TEMPLATE_NAME = "redcat_html"
# Cells never shown to readers: setup cells marked by hand, and papermill's parameter cells.
REMOVE_CELL_TAGS = frozenset({"remove", "parameters", "injected-parameters"})
HTML_LANG = {"zh": "zh-CN", "en": "en"}
# What the page may load, enforced by the browser: nothing but inline styles and data: images.
# `default-src 'none'` also forbids every script; base-uri and form-action are not covered by it.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
# Image types a chart may be stored as, besides SVG (e.g. a pyplot figure shown inline).
RASTER_CHART_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class ReportExportError(RuntimeError):
    """The notebook cannot become a report (it holds errors, or would load outside resources)."""


class ReaderFacingOutputs(Preprocessor):
    """Keep only what a stakeholder should see in each code cell's outputs.

    Drops stderr streams (warnings, logging) and stray `<Figure size ...>` reprs of figures that
    were not drawn, then drops code cells left without output, so the page has no empty boxes.
    Error outputs stop the export: a failed run publishes nothing.
    """

    def __init__(self, display_priority: list[str] | None = None, **kw) -> None:
        super().__init__(**kw)
        self.display_priority = list(display_priority or [])

    def preprocess(self, nb, resources):
        kept, charts = [], 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                kept.append(cell)
                continue
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                raise ReportExportError(
                    f"cell {index} ended in {errors[0].get('ename', 'an error')}: "
                    "a notebook with errors is not published"
                )
            cell.outputs = [o for o in cell.get("outputs", []) if _reader_facing(o)]
            charts += sum(charts_in_output(o, self.display_priority) for o in cell.outputs)
            if cell.outputs:
                kept.append(cell)
        nb.cells = kept
        resources.setdefault("redcat", {})["charts"] = charts
        return nb, resources


def charts_in_output(output, display_priority: list[str]) -> int:
    """How many charts an output shows: the page renders only its first type in priority order.

    An SVG or image output is one chart; an HTML output (a report section) holds as many as it
    has outermost `<svg>` elements and `<img>` elements.
    """
    data = output.get("data", {})
    shown = next((kind for kind in display_priority if kind in data), None)
    if shown in RASTER_CHART_TYPES:
        return 1
    if shown in ("image/svg+xml", "text/html"):
        return count_charts(str(data[shown]))
    return 0


class _ChartCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts = 0
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            if self._svg_depth == 0:
                self.charts += 1
            self._svg_depth += 1
        elif tag == "img" and self._svg_depth == 0:
            self.charts += 1

    def handle_startendtag(self, tag, attrs):
        if tag in ("svg", "img") and self._svg_depth == 0:
            self.charts += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1


def count_charts(html: str) -> int:
    """Outermost `<svg>` plus `<img>` elements in a piece of HTML: the charts a reader sees."""
    counter = _ChartCounter()
    counter.feed(html)
    counter.close()
    return counter.charts


def _reader_facing(output) -> bool:
    if output.get("output_type") == "stream":
        return output.get("name") != "stderr"
    data = output.get("data", {})
    undrawn_figure = set(data) == {"text/plain"} and str(data["text/plain"]).startswith("<Figure")
    return not undrawn_figure


def build_exporter() -> HTMLExporter:
    """The HTML exporter with redcat's template: no code, no prompts, no hidden cells."""
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS), enabled=True), enabled=True
    )
    priority = DataTypeFilter(config=exporter.config).display_data_priority
    exporter.register_preprocessor(ReaderFacingOutputs(display_priority=priority), enabled=True)
    return exporter


def render_html(nb: nbformat.NotebookNode, title: str, language: str = "zh") -> str:
    """The report page for an executed notebook, checked to be self-contained."""
    resources = {
        "redcat": {
            "title": title,
            "html_lang": HTML_LANG.get(language, language),
            "csp": CONTENT_SECURITY_POLICY,
        }
    }
    body, _ = build_exporter().from_notebook_node(nb, resources=resources)
    outside = external_references(body)
    if outside:
        listed = "; ".join(outside[:5])
        raise ReportExportError(
            f"the report would load {len(outside)} outside resource(s): {listed}"
        )
    return body


def render_page(title: str, body_html: str, language: str = "zh") -> str:
    """A page of already-escaped HTML (e.g. the run index) in the report's frame and checks.

    Same template, stylesheet, Content-Security-Policy, chart stamp and self-containment scan
    as the notebook reports; `body_html` must escape its data (use redcat.report.tables).
    """
    output = nbformat.v4.new_output("display_data", data={"text/html": body_html})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[output])])
    return render_html(nb, title, language)


def export_html(
    executed_notebook: Path, out_html: Path, title: str, language: str | None = None
) -> Path:
    """Write the executed notebook's report to `out_html` (atomically) and return its path.

    `language` sets the page's lang attribute; by default it is the run's `language`
    parameter as papermill recorded it in the notebook, else Chinese.
    """
    executed_notebook, out_html = Path(executed_notebook), Path(out_html)
    nb = nbformat.read(executed_notebook, as_version=4)
    language = language or run_language(nb)
    body = render_html(nb, title, language)
    write_text_atomic(out_html, body)
    log.info("wrote report %s (%.0f KB)", out_html, out_html.stat().st_size / 1024)
    return out_html


def run_language(nb: nbformat.NotebookNode, default: str = "zh") -> str:
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    return str(parameters.get("language") or default)


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the self-containment check ------------------------------------------------------------
# Attributes through which a page fetches (or navigates to) something. Allowed values: empty,
# "#fragment" (a link within the page or an SVG <use>), or an inline "data:" URI.
URL_ATTRIBUTES = frozenset(
    {"src", "href", "xlink:href", "srcset", "data", "poster", "action", "formaction", "background"}
)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)


def _inline_value(value: str) -> bool:
    value = value.strip().lower()
    return not value or value.startswith(("#", "data:"))


def _css_problems(css: str) -> list[str]:
    found = [
        f"@import in CSS: {css[m.start() : m.start() + 60]!r}" for m in _CSS_IMPORT.finditer(css)
    ]
    found += [f"url({m.group(2)})" for m in _CSS_URL.finditer(css) if not _inline_value(m.group(2))]
    return found


class _ResourceScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.problems.append("<script> element")
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES and not _inline_value(value):
                self.problems.append(f"<{tag} {name}={value[:80]!r}>")
            elif name == "style":
                self.problems += _css_problems(value)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.problems += _css_problems(data)


def external_references(html: str) -> list[str]:
    """Everything in the page that would fetch from outside it (or run script); [] when none."""
    scanner = _ResourceScanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems
