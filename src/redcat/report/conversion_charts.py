"""Charts of the conversion section: calibration, gains, feature importance, partial dependence.

Same conventions as `redcat.plots`: `matplotlib.figure.Figure` (no pyplot), the house style
from `redcat.plots.chart_style`, labels in the report's language.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from redcat.plots import FIGSIZE, RED, chart_style
from redcat.report.i18n import label, t

GREY = "#8c8c8c"
SCORER_STYLE = {
    "lightgbm": {"color": RED, "marker": "o", "linestyle": "-"},
    "logistic": {"color": "#6b7a8f", "marker": "s", "linestyle": "-"},
    "oracle": {"color": "#333333", "marker": "^", "linestyle": "--"},
    "hindsight": {"color": "#f5a623", "marker": "", "linestyle": ":"},
    "random": {"color": GREY, "marker": "", "linestyle": ":"},
}


def feature_label(feature: str, language: str) -> str:
    return label("feature", feature, language)


def calibration_chart(bins: pd.DataFrame, language: str, scorers=("lightgbm", "oracle")) -> Figure:
    """Mean predicted vs observed rate per bin, for the model and the oracle, with the diagonal."""
    with chart_style():
        fig = Figure(figsize=(5.2, 4.0), layout="constrained")
        ax = fig.add_subplot()
        top = max(bins["predicted"].max(), bins["observed"].max(), 0.01) * 1.05
        ax.plot(
            [0, top], [0, top], color=GREY, linewidth=0.9, label=t("conv.chart.perfect", language)
        )
        for scorer in scorers:
            part = bins[bins["scorer"] == scorer]
            if part.empty:
                continue
            ax.plot(
                part["predicted"],
                part["observed"],
                markersize=4,
                linewidth=1.2,
                label=t(f"conv.scorer.{scorer}", language),
                **SCORER_STYLE[scorer],
            )
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(t("conv.chart.predicted", language))
        ax.set_ylabel(t("conv.chart.observed", language))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(t("conv.section.calibration", language), loc="left")
        ax.legend(loc="upper left")
        return fig


def gains_chart(curves: pd.DataFrame, language: str) -> Figure:
    """Cumulative share of off-site GMV against share of notes, one line per ranking."""
    with chart_style():
        fig = Figure(figsize=(5.6, 4.0), layout="constrained")
        ax = fig.add_subplot()
        for ranking in ("hindsight", "oracle", "lightgbm", "random"):
            part = curves[curves["ranking"] == ranking]
            if part.empty:
                continue
            style = {**SCORER_STYLE[ranking], "marker": ""}
            if ranking == "random":  # no ranking: GMV grows with the share of notes
                part = part.assign(share_of_gmv=part["share_of_notes"])
            ax.plot(
                part["share_of_notes"],
                part["share_of_gmv"],
                linewidth=1.4,
                label=t(f"conv.scorer.{ranking}", language),
                **style,
            )
        for share in (0.05, 0.10, 0.20):
            ax.axvline(share, color="#dddddd", linewidth=0.8, zorder=0)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(t("conv.chart.share_of_notes", language))
        ax.set_ylabel(t("conv.chart.share_of_gmv", language))
        ax.set_title(t("conv.section.gains", language), loc="left")
        ax.legend(loc="lower right")
        return fig


def importance_chart(importance: pd.DataFrame, language: str, top: int = 12) -> Figure:
    """Horizontal bars of mean |contribution| for the top features, largest on top."""
    shown = importance.head(top).iloc[::-1]
    with chart_style():
        fig = Figure(figsize=(FIGSIZE[0], 0.28 * len(shown) + 0.9), layout="constrained")
        ax = fig.add_subplot()
        ax.barh(
            [feature_label(f, language) for f in shown["feature"]],
            shown["mean_abs_contribution"],
            color=RED,
        )
        ax.set_xlabel(t("conv.chart.importance", language))
        ax.set_title(t("conv.section.drivers", language), loc="left")
        ax.grid(axis="y", visible=False)
        return fig


def partial_dependence_chart(curves: pd.DataFrame, language: str) -> Figure:
    """Small multiples: mean predicted conversion as each top feature varies."""
    features = list(dict.fromkeys(curves["feature"]))
    columns = 2 if len(features) > 1 else 1
    rows = max(1, -(-len(features) // columns))
    with chart_style():
        fig = Figure(figsize=(FIGSIZE[0], 2.3 * rows), layout="constrained")
        axes = fig.subplots(rows, columns, squeeze=False)
        for ax in axes.ravel()[len(features) :]:
            ax.set_visible(False)
        for ax, feature in zip(axes.ravel(), features, strict=False):
            part = curves[curves["feature"] == feature]
            numeric = pd.api.types.is_number(part["value"].iloc[0])
            if numeric:
                ax.plot(part["value"].astype(float), part["p_offsite"], color=RED, linewidth=1.4)
            else:
                names = [label(feature, v, language) for v in part["value"]]
                ax.bar(names, part["p_offsite"], color=RED)
                ax.tick_params(axis="x", labelrotation=45)
            ax.set_title(feature_label(feature, language), fontsize=9, loc="left")
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        for ax in axes[:, 0]:
            ax.set_ylabel(t("conv.chart.pd_y", language))
        return fig
