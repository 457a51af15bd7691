"""The building blocks every report section is made of: a titled section, a chart, a paragraph.

All text goes through `esc`, so a section never carries unescaped data into the page.
"""

from __future__ import annotations

from redcat.report.figures import figure_to_svg
from redcat.report.tables import HtmlFragment, esc


def section(heading: str, *parts: str, caption: str = "") -> HtmlFragment:
    """A report section: an escaped heading, its parts (already-safe HTML), an optional caption."""
    note = f'<p class="rc-caption">{esc(caption)}</p>' if caption else ""
    return HtmlFragment(
        f'<section class="rc-section"><h2>{esc(heading)}</h2>{"".join(parts)}{note}</section>',
        text=heading,
    )


def chart(fig, description: str) -> str:
    """A matplotlib figure as an inline SVG figure (text kept as text for CJK)."""
    return f'<figure class="rc-chart">{figure_to_svg(fig, description)}</figure>'


def paragraph(text: str) -> str:
    return f'<p class="rc-facts">{esc(text)}</p>'
