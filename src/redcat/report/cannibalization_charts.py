"""Charts of the cannibalization report (notebook 03): each takes a table, returns a Figure.

House style as in `redcat.plots` (Figure API, not pyplot; text drawn by the reader's browser).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from redcat.plots import RED, chart_style
from redcat.report.i18n import label, t

GREY = "#8c8c8c"
DARK = "#333333"


def _figure(size: tuple[float, float]) -> tuple[Figure, object]:
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def overlap_chart(propensity: pd.DataFrame, language: str, trim: float = 0.01) -> Figure:
    """Propensity of being linked, linked notes vs comparison notes (share of each group)."""
    bins = np.linspace(0, 1, 26)
    with chart_style():
        fig, ax = _figure((7.5, 3.2))
        for linked, color, key in ((1, RED, "group.linked"), (0, GREY, "cannib.comparison_notes")):
            values = propensity.loc[propensity["linked"] == linked, "propensity"].to_numpy()
            if len(values) == 0:
                continue
            weights = np.full(len(values), 1.0 / len(values))
            ax.hist(
                values, bins=bins, weights=weights, histtype="stepfilled", alpha=0.35, color=color
            )
            ax.hist(
                values, bins=bins, weights=weights, histtype="step", color=color, linewidth=1.4,
                label=f"{t(key, language)} (n={len(values):,})",
            )  # fmt: skip
        for bound in (trim, 1 - trim):
            ax.axvline(bound, color=DARK, linestyle=":", linewidth=0.9)
        ax.set_xlim(0, 1)
        ax.set_xlabel(t("cannib.chart.propensity", language))
        ax.set_ylabel(t("cannib.chart.share_of_group", language))
        ax.set_title(t("cannib.section.overlap", language), loc="left")
        ax.legend(loc="upper center")
        return fig


def event_study_chart(
    table: pd.DataFrame, language: str, twfe: pd.DataFrame | None = None
) -> Figure:
    """Effect by week relative to enrolment (% of the pre-launch level), pre-periods included."""
    rows = table.sort_values("rel_period")
    with chart_style():
        fig, ax = _figure((7.5, 3.4))
        ax.axhline(0, color=DARK, linewidth=0.8)
        ax.axvline(-0.5, color=DARK, linestyle="--", linewidth=0.8)
        for kind, color in (("pre", GREY), ("post", RED)):
            part = rows[rows["kind"] == kind]
            if part.empty:
                continue
            estimate = 100 * part["estimate"].to_numpy()
            low = 100 * part["ci_low"].to_numpy()
            high = 100 * part["ci_high"].to_numpy()
            err = np.vstack([estimate - low, high - estimate])
            err = np.where(np.isfinite(err), err, 0.0)
            ax.errorbar(
                part["rel_period"], estimate, yerr=err, fmt="o", color=color, markersize=4,
                capsize=2, linewidth=1, label=t(f"cannib.chart.{kind}_periods", language),
            )  # fmt: skip
        if twfe is not None and not twfe.empty:
            tw = twfe.sort_values("rel_period")
            ax.plot(
                tw["rel_period"] + 0.2, 100 * tw["estimate"], "x", color=DARK, markersize=4,
                label=t("cannib.chart.twfe", language),
            )  # fmt: skip
        ax.set_xlabel(t("cannib.chart.weeks_since_enrolment", language))
        ax.set_ylabel(t("cannib.chart.effect_pct_of_baseline", language))
        ax.set_title(t("cannib.section.event_study", language), loc="left")
        ax.legend(loc="lower left")
        return fig


def rd_chart(
    frame: pd.DataFrame,
    language: str,
    bandwidth: float | list | None = None,
    bin_width: float = 500.0,
) -> Figure:
    """Binned means of the outcome and of enrolment against spend − ¥5,000, with linear fits
    within the bandwidth (rdrobust's h; the larger side when it gives one per side)."""
    if isinstance(bandwidth, list | tuple):
        bandwidth = max(float(b) for b in bandwidth) if bandwidth else None
    data = frame.dropna(subset=["outcome"])
    edges = (
        np.arange(
            np.floor(data["running"].min() / bin_width),
            np.ceil(data["running"].max() / bin_width) + 1,
        )
        * bin_width
    )
    binned = data.assign(bin=pd.cut(data["running"], edges, right=False))
    means = binned.groupby("bin", observed=True).agg(
        x=("running", "mean"),
        outcome=("outcome", "mean"),
        enrolled=("enrolled", "mean"),
        n=("outcome", "size"),
    )
    with chart_style():
        fig = Figure(figsize=(7.5, 3.4), layout="constrained")
        ax_y, ax_d = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        for ax, column, key in (
            (ax_y, "outcome", "cannib.chart.rd_outcome"),
            (ax_d, "enrolled", "cannib.chart.rd_enrolled"),
        ):
            scale = 100.0 if column == "enrolled" else 1.0
            ax.scatter(
                means["x"], scale * means[column], s=8 + 2 * means["n"], color=GREY, alpha=0.8
            )
            for side in (data["running"] < 0, data["running"] >= 0):
                part = data[side]
                if bandwidth is not None:
                    part = part[part["running"].abs() <= bandwidth]
                if len(part) >= 3:
                    slope, intercept = np.polyfit(part["running"], scale * part[column], 1)
                    xs = np.linspace(part["running"].min(), part["running"].max(), 20)
                    ax.plot(xs, intercept + slope * xs, color=RED, linewidth=1.4)
            ax.axvline(0, color=DARK, linestyle="--", linewidth=0.8)
            ax.set_xlabel(t("cannib.chart.rd_running", language))
            ax.set_ylabel(t(key, language))
        if bandwidth is not None:
            for ax in (ax_y, ax_d):
                ax.set_xlim(-2.5 * bandwidth, 2.5 * bandwidth)
        ax_y.set_title(t("cannib.section.threshold", language), loc="left")
        return fig


def forest_chart(subgroups: pd.DataFrame, outcome: str, overall: float, language: str) -> Figure:
    """Effect per linked note by subgroup with 95% intervals; the dashed line is the overall effect."""
    rows = subgroups[(subgroups["outcome"] == outcome)].reset_index(drop=True)
    names = [
        f"{t('cannib.dimension.' + r.dimension, language)}: {_level_label(r.dimension, r.level, language)}"
        f" (n={r.n_linked})"
        for r in rows.itertuples()
    ]
    with chart_style():
        fig, ax = _figure((7.5, 0.28 * len(rows) + 1.2))
        y = np.arange(len(rows))
        ok = rows["estimate"].notna().to_numpy()
        est = rows["estimate"].to_numpy()
        ax.errorbar(
            est[ok], y[ok],
            xerr=np.vstack([est[ok] - rows["ci_low"].to_numpy()[ok], rows["ci_high"].to_numpy()[ok] - est[ok]]),
            fmt="o", color=RED, markersize=4, capsize=2, linewidth=1,
        )  # fmt: skip
        ax.axvline(0, color=DARK, linewidth=0.8)
        if np.isfinite(overall):
            ax.axvline(overall, color=GREY, linestyle="--", linewidth=0.9)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel(t(f"cannib.chart.effect_{outcome}", language))
        ax.set_title(t(f"cannib.section.subgroups_{outcome}", language), loc="left")
        ax.grid(axis="y", visible=False)
        return fig


def _level_label(dimension: str, level: str, language: str) -> str:
    if dimension == "industry":
        return label("industry", level, language)
    if dimension == "tier":
        return label("tier", level, language)
    if dimension == "has_inapp_store":
        return t("cannib.store.yes" if level == "True" else "cannib.store.no", language)
    return f"¥{level}"
