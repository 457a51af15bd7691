"""Charts in the report: matplotlib figures as inline SVG whose text stays text.

Why SVG with `svg.fonttype = "none"`: this machine (and the CI) has no CJK font, and reports
must not download one. With fonttype "none", matplotlib writes labels as SVG <text> elements
with a CSS font-family list (`CJK_FONT_STACK`), so the reader's browser draws the
Chinese with its own system fonts (PingFang, Microsoft YaHei, Noto Sans CJK...), the same fonts
that draw the HTML headings. matplotlib still lays the figure out with DejaVu metrics, measuring
each CJK glyph a little wider than it is, so labels get slightly generous room; it also warns
that the glyphs are missing, which we silence here because the browser, not matplotlib, draws
them. The SVG is self-contained: no fonts, images or scripts are referenced.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from matplotlib.figure import Figure

from redcat.report.tables import esc

# Matplotlib's own element ids are content hashes mixed with this salt; a fixed salt keeps the
# SVG byte-identical from run to run, and equal ids in two inlined charts mean equal content.
SVG_HASH_SALT = "redcat"
# Written into the SVG as each label's CSS font-family: the reader's browser takes, glyph by
# glyph, the first font it has. DejaVu Sans comes first because matplotlib measures with it.
CJK_FONT_STACK = [
    "DejaVu Sans",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
]
SVG_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": SVG_HASH_SALT,
    "svg.image_inline": True,
    # The family list is resolved again when the SVG is written, so it must be set here too.
    "font.sans-serif": CJK_FONT_STACK,
}
# Drop matplotlib's <metadata> block (creator URL, date): it serves no reader and varies.
NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)  # XML declaration and DOCTYPE (with its URL)
_PATH_DATA = re.compile(r'(\sd=")([^"]*)(")')
_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")


@contextmanager
def missing_glyphs_ignored() -> Iterator[None]:
    """Silence matplotlib's 'Glyph ... missing from font(s)' warnings (see the module doc)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning
        )
        yield


def figure_to_svg(fig: Figure, description: str = "") -> str:
    """The figure as one `<svg>` element ready to inline in HTML, labelled for screen readers."""
    buffer = io.StringIO()
    with matplotlib.rc_context(SVG_RC), missing_glyphs_ignored():
        fig.savefig(buffer, format="svg", metadata=NO_METADATA)
    svg = _PROLOG.sub("", buffer.getvalue(), count=1)
    # Path coordinates to 1/100 pt: invisible on screen, and charts with long series shrink by
    # about a third (matplotlib writes six decimals).
    svg = _PATH_DATA.sub(lambda m: m[1] + _LONG_DECIMAL.sub(r"\1", m[2]) + m[3], svg)
    if description:
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(description)}" ', 1)
    return svg


class FigureView:
    """A chart as the notebook shows it: Jupyter stores it as image/svg+xml, rendered once."""

    def __init__(self, fig: Figure, description: str = "") -> None:
        self.description = description
        self.svg = figure_to_svg(fig, description)

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<chart: {self.description or 'figure'}>"
