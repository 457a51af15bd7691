"""Charts of the data overview: each function takes a table from `redcat.overview` and returns a
matplotlib Figure with its labels in the report's language. Figures carry no title: the
report's section heading names them (and the SVG's aria-label).

Figures are built with `matplotlib.figure.Figure`, not pyplot, so Jupyter never shows a second
copy on its own; `redcat.report.figures` turns them into inline SVG. Text is drawn by the
reader's browser from `redcat.report.figures.CJK_FONT_STACK` (see that module for why).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from redcat.config import FESTIVAL_618, LAUNCH_DATE
from redcat.overview import (
    ELIGIBLE,
    ENROLLED,
    FUNNEL_STEPS,
    GROUP_LINKED,
    GROUP_UNLINKED,
    INELIGIBLE,
)
from redcat.report.figures import CJK_FONT_STACK, missing_glyphs_ignored
from redcat.report.i18n import t

STYLE = {
    "font.family": ["sans-serif"],
    "font.sans-serif": CJK_FONT_STACK,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
}
FIGSIZE = (7.5, 3.4)  # inches; the HTML scales the SVG to the page width

RED = "#ff2442"  # Xiaohongshu red: linked notes, enrolled merchants
COLORS = {
    GROUP_LINKED: RED,
    GROUP_UNLINKED: "#8c8c8c",
    ENROLLED: RED,
    ELIGIBLE: "#f5a623",
    INELIGIBLE: "#6b7a8f",
}
LAUNCH_DAY = pd.Timestamp(LAUNCH_DATE)
FESTIVAL = (pd.Timestamp(FESTIVAL_618[0]), pd.Timestamp(FESTIVAL_618[1]) + pd.Timedelta(days=1))
COUNT_STEPS = [step for step, _ in FUNNEL_STEPS if not step.endswith("_gmv")]


@contextmanager
def chart_style() -> Iterator[None]:
    """The house style for building a figure (fonts are resolved when text is created)."""
    with matplotlib.rc_context(STYLE), missing_glyphs_ignored():
        yield


def _new_figure(figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def no_data_chart(language: str, figsize: tuple[float, float] = (7.5, 1.2)) -> Figure:
    """A short placeholder, so an early run date gives a readable report instead of an error."""
    with chart_style():
        fig, ax = _new_figure(figsize)
        ax.set_axis_off()
        ax.text(0.5, 0.5, t("chart.no_data", language), ha="center", va="center", color="#59636e")
        return fig


def _date_axis(ax: Axes) -> None:
    # Numeric dates read the same in Chinese and English (no month names).
    locator = mdates.AutoDateLocator(maxticks=10)
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=["%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M", "%S"],
        zero_formats=["", "%Y", "%m-%d", "%m-%d", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%Y", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"],
    )
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)


def _thousands(ax: Axes, integer: bool = False) -> None:
    if integer:  # counts: no half merchants on the axis
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _mark_launch(ax: Axes, language: str) -> None:
    # Labels sit in the margin above the plot, launch to the left of its line and 618 to the
    # right of its start, so they never cover data or each other.
    ax.axvline(LAUNCH_DAY, color="#333333", linestyle="--", linewidth=0.9)
    _top_label(ax, LAUNCH_DAY, t("chart.launch", language), "#333333", align="right")


def _mark_festival(ax: Axes, language: str) -> None:
    ax.axvspan(*FESTIVAL, color="#ffd5db", alpha=0.6, linewidth=0, zorder=0)
    _top_label(ax, FESTIVAL[0], t("chart.festival", language), "#b0001a", align="left")


def _top_label(ax: Axes, day: pd.Timestamp, text: str, color: str, align: str) -> None:
    ax.annotate(
        text,
        xy=(day, 1),
        xycoords=("data", "axes fraction"),
        xytext=(-3 if align == "right" else 3, 2),
        textcoords="offset points",
        ha=align,
        va="bottom",
        fontsize=8,
        color=color,
    )


def _in_range(ax: Axes, day: pd.Timestamp) -> bool:
    low, high = (mdates.num2date(x).replace(tzinfo=None) for x in ax.get_xlim())
    return low <= day <= high


def notes_per_day_chart(per_day: pd.DataFrame, language: str, horizon_hours: int) -> Figure:
    """Stacked area of notes published per day: linked within the horizon, and the rest."""
    if per_day.empty:
        return no_data_chart(language)
    with chart_style():
        fig, ax = _new_figure()
        ax.stackplot(
            per_day["date"],
            per_day["linked"],
            per_day["unlinked"],
            labels=[t("link.linked", language, h=horizon_hours), t("group.unlinked", language)],
            colors=[COLORS[GROUP_LINKED], COLORS[GROUP_UNLINKED]],
            alpha=0.85,
            step="mid",
        )
        ax.set_ylabel(t("chart.notes", language))
        _date_axis(ax)
        _thousands(ax, integer=True)
        if _in_range(ax, LAUNCH_DAY):
            _mark_launch(ax, language)
        ax.legend(loc="upper left")
        return fig


def enrolment_chart(timeline: pd.DataFrame, language: str) -> Figure:
    """Cumulative enrolled merchants by date, as a step line."""
    if timeline.empty:
        return no_data_chart(language)
    with chart_style():
        fig, ax = _new_figure((7.5, 3.0))
        ax.step(timeline["date"], timeline["enrolled_total"], where="post", color=RED)
        ax.fill_between(
            timeline["date"], timeline["enrolled_total"], step="post", color=RED, alpha=0.12
        )
        ax.set_ylabel(t("chart.enrolled_merchants", language))
        ax.set_ylim(bottom=0)
        _date_axis(ax)
        _thousands(ax, integer=True)
        _mark_launch(ax, language)
        return fig


def funnel_chart(funnel: pd.DataFrame, language: str) -> Figure:
    """Per-note volume at each funnel step, linked vs unlinked notes, on a log scale."""
    groups = [GROUP_LINKED, GROUP_UNLINKED]
    table = funnel[funnel["step"].isin(COUNT_STEPS) & funnel["group"].isin(groups)].pivot(
        index="step", columns="group", values="per_note"
    )
    table = table.reindex(index=COUNT_STEPS, columns=groups)
    if not (table > 0).any().any():
        return no_data_chart(language)
    with chart_style():
        fig, ax = _new_figure((7.5, 3.8))
        height = 0.38
        positions = range(len(COUNT_STEPS))
        for offset, group in zip((-height / 2, height / 2), groups, strict=True):
            values = table[group]
            bars = ax.barh(
                [p + offset for p in positions],
                values.where(values > 0),  # a log axis cannot show zero: leave the bar out
                height=height,
                color=COLORS[group],
                label=t(f"group.{group}", language),
            )
            ax.bar_label(
                bars,
                labels=[_short_number(v) for v in values],
                padding=2,
                fontsize=7.5,
                color="#333333",
            )
        ax.set_xscale("log")
        # Plain numbers, not powers of ten: readers are not all engineers.
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
        )
        ax.set_yticks(list(positions), [t(f"step.{s}", language) for s in COUNT_STEPS])
        ax.invert_yaxis()  # the funnel reads top-down
        ax.set_xlabel(t("chart.per_note_log", language))
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.15)
        ax.legend(loc="lower right")
        return fig


def inapp_gmv_chart(gmv: pd.DataFrame, language: str) -> Figure:
    """Mean daily in-app GMV per merchant, one line per merchant status, launch and 618 marked."""
    if gmv.empty:
        return no_data_chart(language)
    with chart_style():
        fig, ax = _new_figure()
        for status in (ENROLLED, ELIGIBLE, INELIGIBLE):
            line = gmv[gmv["status"] == status]
            if line.empty:
                continue
            ax.plot(
                line["date"],
                line["gmv_per_merchant"],
                color=COLORS[status],
                linewidth=1.3,
                label=t(f"status.{status}", language),
            )
        ax.set_ylabel(t("chart.gmv_per_merchant", language))
        ax.set_ylim(bottom=0)
        _date_axis(ax)
        _thousands(ax)
        if _in_range(ax, FESTIVAL[0]):
            _mark_festival(ax, language)
        if _in_range(ax, LAUNCH_DAY):
            _mark_launch(ax, language)
        ax.legend(loc="upper left")
        return fig


def _short_number(value: float) -> str:
    if pd.isna(value):
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"
