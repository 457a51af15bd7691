"""Tables and text blocks for the HTML report, with every piece of data HTML-escaped.

Data holds untrusted text (note titles, topics, ids written by users or merchants). Notebooks
show tables only through `show_table` and text only through `text_block` / `verdict_box`, which
escape everything they are given; never pass data to IPython's `HTML` or `Markdown` directly.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from numbers import Integral, Real
from typing import Any, Protocol

import numpy as np
import pandas as pd

from redcat.report.i18n import t

Formatter = str | Callable[[Any], str]

MISSING = "–"  # shown for NaN / NaT / None


class HtmlFragment:
    """A piece of ready, escaped HTML that Jupyter displays as HTML (and as text in a console)."""

    def __init__(self, markup: str, text: str = "") -> None:
        self.markup = markup
        self.text = text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text or "<HtmlFragment>"


def esc(value: object) -> str:
    """HTML-escape any value as text, quotes included (safe in elements and attributes)."""
    return html.escape(str(value), quote=True)


def _is_missing(value: object) -> bool:
    try:
        return value is None or value is pd.NaT or bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes: not a scalar missing value
        return False


def format_value(value: object, fmt: Formatter | None = None) -> str:
    """A cell as text: thousands separators for numbers, dates without midnight times."""
    if _is_missing(value):
        return MISSING
    if fmt is not None:
        return fmt(value) if callable(fmt) else fmt.format(value)
    if isinstance(value, bool | np.bool_):
        return "✓" if value else ""
    if isinstance(value, Integral):
        return f"{value:,}"
    if isinstance(value, Real):
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        return (
            f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:,.2f}"
        )
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d")
            if value == value.normalize()
            else value.strftime("%Y-%m-%d %H:%M")
        )
    return str(value)


def percent(digits: int = 1) -> Callable[[Any], str]:
    """A formatter for shares stored as fractions: 0.123 → "12.3%"."""
    return lambda v: f"{float(v) * 100:.{digits}f}%"


def money(digits: int = 0) -> Callable[[Any], str]:
    """A formatter for yuan amounts: 1234.5 → "¥1,235"."""
    return lambda v: f"¥{float(v):,.{digits}f}"


def number(digits: int = 0) -> Callable[[Any], str]:
    return lambda v: f"{float(v):,.{digits}f}"


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def table_html(
    frame: pd.DataFrame,
    formats: Mapping[str, Formatter] | None = None,
    caption: str | None = None,
    index: bool = False,
) -> str:
    """The table as an HTML string; every header, cell and the caption is escaped."""
    formats = dict(formats or {})
    shown = frame.reset_index() if index else frame
    numeric = {col: _is_numeric(shown[col]) for col in shown.columns}
    parts = ['<table class="rc-table">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>")
    num_class = ' class="num"'  # right-aligned numbers
    parts.extend(f"<th{num_class if numeric[col] else ''}>{esc(col)}</th>" for col in shown.columns)
    parts.append("</tr></thead><tbody>")
    for row in shown.itertuples(index=False, name=None):
        parts.append("<tr>")
        for col, value in zip(shown.columns, row, strict=True):
            cell = esc(format_value(value, formats.get(col)))
            parts.append(f"<td{num_class if numeric[col] else ''}>{cell}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def show_table(
    frame: pd.DataFrame,
    formats: Mapping[str, Formatter] | None = None,
    caption: str | None = None,
    index: bool = False,
    max_rows: int = 200,
) -> HtmlFragment:
    """Display a DataFrame in the report: escaped, numbers formatted, at most `max_rows` rows."""
    if len(frame) > max_rows:
        # A report table is read, not scrolled: show the head and say how much is cut.
        cut = len(frame) - max_rows
        frame = frame.head(max_rows)
        caption = f"{caption or ''} (+{cut:,} …)".strip()
    return HtmlFragment(
        f'<div class="rc-table-wrap">{table_html(frame, formats, caption, index)}</div>',
        text=frame.to_string(index=index),
    )


def text_block(text: str, kind: str = "note") -> HtmlFragment:
    """A short paragraph of escaped text (a caption or a note under a chart)."""
    return HtmlFragment(f'<p class="rc-{esc(kind)}">{esc(text)}</p>', text=text)


class ValidationLike(Protocol):
    ok: bool

    def format(self) -> str: ...


def verdict_box(report: ValidationLike, language: str) -> HtmlFragment:
    """The data-validation verdict: a green or red headline and the checker's own report."""
    ok = bool(report.ok)
    headline = t("validation.passed" if ok else "validation.failed", language)
    details = report.format().strip()
    body = f"<pre>{esc(details)}</pre>" if details else ""
    return HtmlFragment(
        f'<div class="rc-verdict {"rc-ok" if ok else "rc-bad"}">'
        f"<strong>{esc(headline)}</strong>{body}</div>",
        text=f"{headline}\n{details}",
    )
