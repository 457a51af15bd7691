"""Charts of the summary: effects per linked note, the platform's weekly ledger, net by
industry, and the gains of the conversion model.

Same conventions as `redcat.plots`: `matplotlib.figure.Figure` (no pyplot), the house style
from `redcat.plots.chart_style`, every label in the report's language (text stays text in the
SVG, so the reader's browser draws Chinese with its own fonts).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from redcat.plots import RED, chart_style
from redcat.report.i18n import label, t

GREY = "#8c8c8c"
BLUE = "#6b7a8f"
GREEN = "#1a7f37"


def _yuan_axis(value: float, _pos: object = None) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}¥{abs(value):,.0f}"


def _errors(estimate: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Error-bar lengths (NaN-safe: no bar where the interval is unknown)."""
    below = np.where(np.isfinite(low), estimate - low, 0.0)
    above = np.where(np.isfinite(high), high - estimate, 0.0)
    return np.vstack([np.maximum(below, 0.0), np.maximum(above, 0.0)])


def effects_chart(effects: dict[str, dict[str, float]], language: str) -> Figure:
    """In-app and off-site GMV change per linked note with 95% intervals, zero marked."""
    keys = [k for k in ("offsite_per_note", "inapp_per_note") if k in effects]
    with chart_style():
        fig = Figure(figsize=(7.0, 1.9), layout="constrained")
        ax = fig.add_subplot()
        est = np.array([effects[k]["estimate"] for k in keys], dtype=float)
        low = np.array([effects[k]["ci_low"] for k in keys], dtype=float)
        high = np.array([effects[k]["ci_high"] for k in keys], dtype=float)
        y = np.arange(len(keys))[::-1]
        colors = [GREEN, RED][: len(keys)]
        ax.axvline(0, color=GREY, linewidth=0.9)
        for yi, e, lo, hi, c in zip(y, est, low, high, colors, strict=True):
            if not math.isfinite(e):
                continue
            ax.errorbar(
                [e], [yi], xerr=_errors(np.array([e]), np.array([lo]), np.array([hi])),
                fmt="o", color=c, capsize=4, markersize=6, linewidth=1.6,
            )  # fmt: skip
            ax.annotate(
                _yuan_axis(e), (e, yi), textcoords="offset points", xytext=(0, 7),
                ha="center", fontsize=8, color=c,
            )  # fmt: skip
        ax.set_yticks(y, [t(f"sum.metric.{k}", language) for k in keys])
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.xaxis.set_major_formatter(FuncFormatter(_yuan_axis))
        ax.set_xlabel(t("sum.designs.chart.x", language))
        ax.set_title(t("sum.designs.chart.title", language), loc="left")
        ax.grid(axis="y", visible=False)
        return fig


LEDGER_ITEMS = ("ad_from_links", "ad_from_spend", "commission_lost", "net")


def ledger_chart(total: pd.DataFrame, language: str) -> Figure:
    """The platform's week: ad revenue (+), commission lost (−) and the net, with intervals.

    `total` is the trade-off table's rows for one scope (component, estimate, ci_low, ci_high).
    """
    rows = total.set_index("component").loc[list(LEDGER_ITEMS)]
    sign = np.array([1.0, 1.0, -1.0, 1.0])
    est = rows["estimate"].to_numpy(float) * sign
    low = np.where(sign > 0, rows["ci_low"], -rows["ci_high"]).astype(float)
    high = np.where(sign > 0, rows["ci_high"], -rows["ci_low"]).astype(float)
    with chart_style():
        fig = Figure(figsize=(7.0, 2.6), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(len(LEDGER_ITEMS))[::-1]
        colors = [BLUE, BLUE, RED, GREEN if est[-1] >= 0 else RED]
        ax.barh(y, est, color=colors, height=0.55, alpha=0.85)
        ax.errorbar(est, y, xerr=_errors(est, low, high), fmt="none", ecolor="#333", capsize=3)
        ax.axvline(0, color=GREY, linewidth=0.9)
        ax.set_yticks(y, [t(f"sum.to.{k}", language) for k in LEDGER_ITEMS])
        ax.xaxis.set_major_formatter(FuncFormatter(_yuan_axis))
        ax.set_xlabel(t("sum.to.chart.yuan_week", language))
        ax.set_title(t("sum.to.chart.title", language), loc="left")
        ax.grid(axis="y", visible=False)
        return fig


def industry_net_chart(table: pd.DataFrame, language: str) -> Figure:
    """Net gain per week by industry, with 95% intervals (total excluded)."""
    net = table[(table["component"] == "net") & (table["scope"] != "total")]
    net = net.sort_values("estimate")
    with chart_style():
        fig = Figure(figsize=(7.0, 0.5 + 0.45 * max(len(net), 1)), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(len(net))
        est = net["estimate"].to_numpy(float)
        colors = [GREEN if v >= 0 else RED for v in est]
        ax.barh(y, est, color=colors, height=0.55, alpha=0.85)
        ax.errorbar(
            est, y, xerr=_errors(est, net["ci_low"].to_numpy(float), net["ci_high"].to_numpy(float)),
            fmt="none", ecolor="#333", capsize=3,
        )  # fmt: skip
        ax.axvline(0, color=GREY, linewidth=0.9)
        ax.set_yticks(y, [label("industry", code, language) for code in net["scope"]])
        ax.xaxis.set_major_formatter(FuncFormatter(_yuan_axis))
        ax.set_xlabel(t("sum.to.chart.yuan_week", language))
        ax.set_title(t("sum.to.chart.industry_title", language), loc="left")
        ax.grid(axis="y", visible=False)
        return fig


GAINS_COLUMNS = ("top_5pct", "top_10pct", "top_20pct")


def gains_bars(gains: pd.DataFrame, language: str) -> Figure:
    """Share of off-site GMV in the top 5/10/20% of notes: the model against no ranking."""
    table = gains.set_index("ranking")
    shares = [5, 10, 20]
    with chart_style():
        fig = Figure(figsize=(6.0, 2.6), layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(len(shares))
        width = 0.36
        model = table.loc["lightgbm", list(GAINS_COLUMNS)].to_numpy(float)
        ax.bar(x - width / 2, model, width, color=RED, label=t("conv.scorer.lightgbm", language))
        ax.bar(
            x + width / 2, np.array(shares) / 100, width, color=GREY,
            label=t("conv.scorer.random", language),
        )  # fmt: skip
        for xi, v in zip(x, model, strict=True):
            ax.annotate(f"{v:.0%}", (xi - width / 2, v), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=8)  # fmt: skip
        ax.set_xticks(x, [t("sum.conv.top", language, pct=s) for s in shares])
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(t("sum.conv.chart.share", language))
        ax.set_title(t("sum.conv.chart.title", language), loc="left")
        ax.legend(loc="upper left")
        ax.grid(axis="x", visible=False)
        return fig
