"""The HTML export: no code, nothing loaded from elsewhere, data escaped, charts inline, no stderr.

The main checks run a real notebook through papermill on the project kernel (as the runner
does), then export it; smaller checks build notebooks with outputs by hand.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from redcat.config import KERNEL_NAME
from redcat.report.html import (
    CONTENT_SECURITY_POLICY,
    ReportExportError,
    count_charts,
    export_html,
    external_references,
    render_html,
    render_page,
)
from redcat.report.tables import show_table

EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_IMG = '"><img src=x onerror=alert(1)>'

# The stakeholder rule, checked independently of the exporter's own scanner: no src/href,
# @import or url() pointing to http(s) or a protocol-relative //host.
OUTSIDE = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//)|@import|(?:url\(\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)

SOURCE_CELLS = {
    "setup": """
        import logging, sys, warnings
        import pandas as pd
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure
        from redcat.report.figures import FigureView, figure_to_svg
        from redcat.report.tables import HtmlFragment, show_table
        print("SETUP-OUTPUT-HIDDEN")
    """,
    "noise": """
        warnings.warn("WARNING-FOR-THE-LOG-ONLY")
        sys.stderr.write("STDERR-FOR-THE-LOG-ONLY\\n")
        logging.getLogger("redcat.test").warning("LOGGING-FOR-THE-LOG-ONLY")
        print("VISIBLE-STDOUT")
    """,
    "table": f"""
        show_table(pd.DataFrame({{"title": [{EVIL_SCRIPT!r}, {EVIL_IMG!r}], "gmv": [1234.5, 2.0]}}))
    """,
    "svg_chart": """
        fig = Figure(figsize=(4, 2.5))
        fig.add_subplot().plot([1, 2, 3], [2, 1, 3])
        fig.axes[0].set_title("站内 GMV 中文标题")
        FigureView(fig, "chart one")
    """,
    "section_chart": """
        HtmlFragment(f"<figure class='rc-chart'>{figure_to_svg(fig, 'chart two')}</figure>")
    """,
    "pyplot_png": """
        plt.plot([1, 2], [1, 2])
        plt.show()
    """,
    "silent": "x = 1",
}


def _test_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Test report 测试报告"),
        new_code_cell('language = "zh"', metadata={"tags": ["parameters"]}),
        new_code_cell(textwrap.dedent(SOURCE_CELLS["setup"]), metadata={"tags": ["remove"]}),
        *(
            new_code_cell(textwrap.dedent(src).strip())
            for name, src in SOURCE_CELLS.items()
            if name != "setup"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (redcat)",
        "language": "python",
    }
    return nb


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, str]:
    import papermill
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        pytest.fail(f"kernel {KERNEL_NAME!r} missing: run `make setup`")
    folder = tmp_path_factory.mktemp("report")
    source, executed = folder / "source.ipynb", folder / "executed.ipynb"
    nbformat.write(_test_notebook(), source)
    papermill.execute_notebook(
        str(source),
        str(executed),
        parameters={"language": "en"},
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(folder),
    )
    out = folder / "out" / "report.html"
    path = export_html(executed, out, title="Test <report>")  # language read from papermill
    return path, path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_no_code_prompts_or_hidden_cells(exported):
    _, html = exported
    for code in ("show_table(", "import ", "FigureView(", "plt.plot", "x = 1", "language = "):
        assert code not in html, code
    assert "SETUP-OUTPUT-HIDDEN" not in html  # cell tagged "remove"
    assert "In&nbsp;[" not in html and "Out[" not in html and "In [" not in html
    assert "jp-InputArea-editor" not in html
    assert "VISIBLE-STDOUT" in html


@pytest.mark.slow
def test_nothing_is_loaded_from_another_host(exported):
    _, html = exported
    assert OUTSIDE.findall(html) == []
    assert external_references(html) == []
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()  # every stylesheet is inline
    assert "@font-face" not in html


@pytest.mark.slow
def test_data_text_is_escaped(exported):
    _, html = exported
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<title>Test &lt;report&gt;</title>" in html


@pytest.mark.slow
def test_charts_are_inline_with_text_kept_as_text(exported):
    _, html = exported
    assert html.count("<svg") == 2  # FigureView and the chart inside an HTML block
    assert len(re.findall(r"<img\b", html)) == 1  # the pyplot figure, as an inline PNG
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)
    # The browser draws the CJK, from the font stack written on the text itself.
    title = re.search(r"<text[^>]*>站内 GMV 中文标题</text>", html)
    assert title and "Noto Sans CJK SC" in title.group(0) and "Microsoft YaHei" in title.group(0)


def _meta(html: str, name: str) -> str | None:
    found = re.search(rf'<meta[^>]*name="{name}"[^>]*>', html)
    content = found and re.search(r'content="([^"]*)"', found.group(0))
    return content.group(1) if content else None


@pytest.mark.slow
def test_page_carries_its_chart_count_and_a_policy_that_forbids_fetching(exported):
    _, html = exported
    # Two SVG charts and one PNG, counted from the notebook's outputs, not from the page.
    assert _meta(html, "redcat-charts") == "3"
    policy = re.search(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', html)
    assert policy and f'content="{CONTENT_SECURITY_POLICY}"' in policy.group(0)
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert html.index("Content-Security-Policy") < html.index("<style")  # governs all below


@pytest.mark.slow
def test_stderr_warnings_and_logging_are_removed(exported):
    _, html = exported
    for marker in (
        "WARNING-FOR-THE-LOG-ONLY",
        "STDERR-FOR-THE-LOG-ONLY",
        "LOGGING-FOR-THE-LOG-ONLY",
    ):
        assert marker not in html
    assert "UserWarning" not in html and "application/vnd.jupyter.stderr" not in html


@pytest.mark.slow
def test_report_is_small_and_written_atomically(exported):
    path, html = exported
    assert path.stat().st_size < 150_000
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temp file left


# --- without a kernel: notebooks with hand-made outputs ---------------------------------------
def _nb_with(*cells) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = list(cells)
    return nb


def _html_output(markup: str):
    return new_output("display_data", data={"text/html": markup, "text/plain": "x"})


def test_parameter_cells_are_dropped_whatever_they_print():
    nb = _nb_with(
        new_code_cell(
            "a = 1",
            metadata={"tags": ["parameters"]},
            outputs=[new_output("stream", name="stdout", text="PARAM-OUT")],
        ),
        new_code_cell(
            "a = 2",
            metadata={"tags": ["injected-parameters"]},
            outputs=[new_output("stream", name="stdout", text="INJECTED-OUT")],
        ),
        new_code_cell(
            "a",
            outputs=[
                _html_output(show_table(__import__("pandas").DataFrame({"a": [1]}))._repr_html_())
            ],
        ),
    )
    html = render_html(nb, "t")
    assert "PARAM-OUT" not in html and "INJECTED-OUT" not in html
    assert "rc-table" in html
    assert html.count("jp-CodeCell") == 1  # empty cells leave no boxes behind


@pytest.mark.parametrize(
    ("markup", "charts"),
    [
        ("<p>no chart</p>", 0),
        ('<figure><svg><g><svg width="1"></svg></g></svg></figure>', 1),  # nested: one chart
        ('<svg/><svg></svg><img src="data:image/png;base64,AA">', 3),
        ('<svg><image href="data:image/png;base64,AA"/></svg><img src="data:,"/>', 2),
    ],
)
def test_charts_are_counted_as_the_reader_sees_them(markup, charts):
    assert count_charts(markup) == charts


def test_chart_count_follows_the_type_the_page_shows():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    both = new_output("display_data", data={"image/svg+xml": svg, "image/png": "AAAA"})
    html_only = _html_output("<p>a table, no chart</p>")
    png = new_output("display_data", data={"image/png": "AAAA", "text/plain": "fig"})
    nb = _nb_with(new_code_cell("x", outputs=[both, html_only, png]))
    assert _meta(render_html(nb, "t"), "redcat-charts") == "2"


def test_a_page_of_escaped_html_gets_the_same_frame_and_checks():
    html = render_page("Runs <all>", '<p>x</p><figure class="rc-chart"><svg></svg></figure>', "en")
    assert _meta(html, "redcat-charts") == "1"
    assert "<title>Runs &lt;all&gt;</title>" in html and '<html lang="en">' in html
    assert "Content-Security-Policy" in html
    with pytest.raises(ReportExportError):
        render_page("t", '<img src="https://example.com/a.png">')


def test_a_notebook_with_an_error_is_not_published(tmp_path):
    error = new_output("error", ename="ValueError", evalue="boom", traceback=["ValueError: boom"])
    nb = _nb_with(new_code_cell("1/0", outputs=[error]))
    source = tmp_path / "failed.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / "report.html"
    out.write_text("the last good report", encoding="utf-8")
    with pytest.raises(ReportExportError, match="ValueError"):
        export_html(source, out, title="t")
    assert out.read_text(encoding="utf-8") == "the last good report"


def test_outside_resources_stop_the_export():
    nb = _nb_with(new_markdown_cell("![logo](https://example.com/logo.png)"))
    with pytest.raises(ReportExportError, match="outside resource"):
        render_html(nb, "t")
    nb = _nb_with(
        new_code_cell(
            "x", outputs=[_html_output('<link rel="stylesheet" href="//cdn.example.com/x.css">')]
        )
    )
    with pytest.raises(ReportExportError):
        render_html(nb, "t")


def test_javascript_outputs_are_dropped():
    js = new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "js"})
    html = render_html(_nb_with(new_code_cell("x", outputs=[js])), "t")
    assert "alert(1)" not in html and "<script" not in html


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="https://cdn.example.com/require.js"></script>',
        "<script>var a = 1;</script>",
        '<img src="http://example.com/a.png">',
        '<img srcset="a.png 1x">',
        '<div style="background: url(https://example.com/a.png)"></div>',
        "<style>@import url(fonts.css);</style>",
        '<style>@font-face { src: url("//fonts.example.com/x.woff2"); }</style>',
        '<svg><image xlink:href="https://example.com/a.png"/></svg>',
        '<a href="https://example.com">a link</a>',
    ],
)
def test_scanner_flags_what_would_load_from_elsewhere(markup):
    assert external_references(markup)


@pytest.mark.parametrize(
    "markup",
    [
        '<a class="anchor-link" href="#funnel">¶</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#m1"/><path clip-path="url(#p1)"/></svg>',
        "<p>see https://example.com and src=http://example.com as plain text</p>",
        "<p>&lt;img src=&quot;http://example.com/x.png&quot;&gt;</p>",
    ],
)
def test_scanner_allows_inline_and_in_page_references(markup):
    assert external_references(markup) == []


def test_stock_nbconvert_html_would_fail_the_check():
    # Why the custom template exists: the stock "lab" page loads require.js and MathJax.
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        _nb_with(new_markdown_cell("# x"))
    )
    assert external_references(body)


def test_chart_svg_is_clean_standalone_xml():
    import xml.etree.ElementTree as ET

    from matplotlib.figure import Figure

    from redcat.report.figures import figure_to_svg

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().set_title('标题 <b>"x"</b> & y')
    svg = figure_to_svg(fig, 'a "quoted" <chart>')
    root = ET.fromstring(svg)  # well-formed, labels escaped by matplotlib
    assert root.get("role") == "img" and root.get("aria-label") == 'a "quoted" <chart>'
    assert svg.startswith("<svg") and "<!DOCTYPE" not in svg and "<metadata" not in svg
    assert '标题 &lt;b&gt;"x"&lt;/b&gt; &amp; y' in svg or "标题 &lt;b&gt;&quot;x&quot;" in svg
    assert figure_to_svg(fig) == figure_to_svg(fig)  # byte-identical from run to run
