"""Staggered difference-in-differences: Callaway–Sant'Anna, with plain TWFE as the contrast.

`staggered_did` estimates group-time effects ATT(g, t) with csdid (doubly robust; the Python
port of R `did`, matching it to 1e-14) and aggregates them to one overall ATT: the average over
treated units' post-treatment periods (csdid's "simple" aggregation, cohort weights ∝ size).
Every ATT(g, t) compares cohort g with units not (yet) treated at t, from the period before g
(the last pre-period base), so a calendar shock common to all units at t — the 618 festival —
cancels in every comparison; the festival indicator is used to report the effect on and off
festival periods. Plain two-way fixed effects is computed beside it: with effects that change
over time or differ between cohorts it makes "forbidden comparisons" (already-treated units
as controls) and can be badly biased.

On California's 2011 organ-donation change (`causaldata.organ_donations`) the TWFE estimate is
−0.0225 and CS gives −0.0213: with one cohort, CS's overall ATT is the mean of the post-period
event-study coefficients relative to the last pre-period (Q2 2011), the same for the varying
and universal base (the base only changes the pre-period coefficients).

Speed and periods: csdid fits one 2×2 comparison per (cohort, period) cell. A daily panel of
2,000 merchants × 150 days with enrolment on any day has ~100 cohorts × 150 days ≈ 15,000 cells:
1.5–2.5 minutes on this 2-core machine, cohorts of a few merchants each, and a joint pre-trend
test over ~140 noisy pre-period coefficients that over-rejects (tiny cohorts make their
covariance poorly estimated). Weekly periods (the default for dates) pool start days into
~20 cohorts × 22 weeks: ≈ 3 s, larger cohorts, and still an effect per treated day (see
`_panel.py` for how the partly treated first week is handled).

The joint pre-trend test: even weekly, a Wald test over every pre-period (up to 20 weeks, the
far ones estimated from the last few cohorts only) rejected 42-72% of simulated worlds with
parallel trends at the 5% level. It now tests the `pretrend_periods` (default 4) pre-periods
nearest treatment, which every cohort informs, and refers the cluster-robust Wald statistic to
F(df, clusters − 1): 7% rejections over 40 such worlds (benchmarks/bench_cannibalization_truth.py
prints the rate). The all-period chi-square p-value stays in the diagnostics.

Weights: `weights=` weights units (csdid's sampling weights, the cohort sizes of the
aggregation and the counterfactual mean). With a relative outcome y/b and weights b the
relative effect is a ratio of totals Σ(Y1 − Y0)/ΣY0 (see `staggered_did`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyfixest as pf
from csdid.aggte_fnc.utils import get_agg_inf_func, wif
from csdid.att_gt import ATTgt
from scipy.stats import chi2
from scipy.stats import f as f_dist

from ._checks import require_choice
from ._panel import PreparedPanel, prepare_panel
from ._quiet import quiet
from .result import CausalResult, normal_ci, variance_of_mean

logger = logging.getLogger(__name__)

CS_ASSUMPTIONS: tuple[str, ...] = (
    "Parallel trends: without treatment, treated units' outcomes would have moved like those of "
    "the comparison units (not-yet- or never-treated) over the same periods.",
    "No anticipation: outcomes do not react before a unit's first treated period.",
    "Staggered adoption: once treated, a unit stays treated.",
    "Calendar shocks (e.g. the 618 festival) shift treated and comparison units alike, so the "
    "period-by-period comparisons absorb them; the effect on and off such periods is reported.",
    "No spillovers: one unit's treatment does not change comparison units' outcomes.",
)

# Pre-periods nearest treatment in the joint pre-trend test (see _pretrend_test).
DEFAULT_PRETREND_PERIODS = 4

TWFE_ASSUMPTIONS: tuple[str, ...] = (
    "Parallel trends between all units, treated or not, at every period.",
    "A constant effect across cohorts and over time since treatment; otherwise already-treated "
    "units serve as controls and the coefficient is a weighted mix that can even flip sign.",
)


def _post_cells(data: pd.DataFrame) -> pd.Series:
    """Rows of treated units in or after their first treated period."""
    return (data["_g"] > 0) & (data["_t"] >= data["_g"])


def _treated_share(data: pd.DataFrame, rows: pd.Series | None = None) -> float:
    """Mean share of treated days over treated units' post periods (1 unless periods are
    weeks, whose first treated week is partly untreated), weighted by the unit weights if any:
    dividing a weekly ATT by it gives the effect per treated day."""
    post = _post_cells(data) if rows is None else rows & _post_cells(data)
    if not post.any():
        return math.nan
    w = data.loc[post, "_w"] if "_w" in data else pd.Series(1.0, index=data.index[post])
    return float((data.loc[post, "_f"] * w).sum() / w.sum())


def _or_nan(value: Any) -> float:
    return math.nan if value is None else float(value)


def _covariance(influence: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """Covariance matrix of several estimates from their (n, k) unit influence functions."""
    n = influence.shape[0]
    if clusters is not None:
        totals = np.zeros((int(clusters.max()) + 1, influence.shape[1]))
        np.add.at(totals, clusters, influence)
        return totals.T @ totals / n**2
    return influence.T @ influence / n**2


class _CSFit:
    """csdid's ATT(g, t) for a prepared panel, with unit-level influence functions."""

    def __init__(self, prep: PreparedPanel, control_group: str, base_period: str) -> None:
        data = prep.data
        xformla = "~ " + " + ".join(prep.covariates) if prep.covariates else None
        with quiet(logger, "csdid") as messages:
            self.att = ATTgt(
                yname="_y",
                tname="_t",
                idname="_unit",
                gname="_g",
                data=data,
                control_group=control_group,
                xformla=xformla,
                weights_name=prep.weights,
            ).fit(est_method="dr", base_period=base_period, bstrap=False)
        self.messages = messages
        self.results = self.att.results
        dp = self.att.MP["DIDparams"]
        first = dp["data"][dp["data"]["_t"] == np.asarray(dp["tlist"])[0]]
        # Row order of csdid's influence functions: units as they appear in its first period.
        self.unit_order = first["_unit"].to_numpy()
        unit_info = data.groupby("_unit").first()
        self.unit_g = unit_info.loc[self.unit_order, "_g"].to_numpy()
        self.unit_w = prep.unit_weights(self.unit_order)
        self.clusters = None
        if prep.cluster is not None:
            codes = unit_info.loc[self.unit_order, "_cluster"].to_numpy()
            self.clusters = pd.factorize(codes)[0]
        self.cells_att = np.asarray(self.results["att"], dtype=float)
        self.cells_g = np.asarray(self.results["group"], dtype=float)
        self.cells_t = np.asarray(self.results["year"], dtype=float)
        self.inffunc = np.asarray(self.att.MP["inffunc"]["inffunc"])  # (n, cells)
        self.n = len(self.unit_order)
        self.na_rm = bool(np.isnan(self.cells_att).any())
        if np.isnan(self.cells_att).all():
            raise ValueError(
                "every group-time effect failed to estimate (csdid: "
                + "; ".join(messages[:3])
                + "); with covariates, check for constant or collinear columns and tiny cohorts"
            )

    def aggregate(self, typec: str, **kwargs: Any) -> dict[str, Any]:
        with quiet(logger, "csdid") as messages:
            self.att.aggte(typec=typec, na_rm=self.na_rm, **kwargs)
        self.messages.extend(m for m in messages if m not in self.messages)
        return self.att.atte

    def aggregate_cells(self, mask: np.ndarray) -> tuple[float, np.ndarray]:
        """Cohort-size-weighted mean of the post-period cells in `mask` (cohort size = the sum
        of its units' weights), with its influence function (including the part from
        estimating the cohort weights), as csdid's simple aggregation does it."""
        keep = np.flatnonzero(mask & (self.cells_g <= self.cells_t) & ~np.isnan(self.cells_att))
        if keep.size == 0:
            return math.nan, np.full(self.n, np.nan)
        pg = np.array([np.mean(self.unit_w * (self.unit_g == g)) for g in self.cells_g])
        weights = pg[keep] / pg[keep].sum()
        estimate = float(np.sum(self.cells_att[keep] * weights))
        weight_if = wif(keep, pg, self.unit_w, self.unit_g.astype(float), self.cells_g)
        influence = get_agg_inf_func(
            att=self.cells_att,
            inffunc=self.inffunc,
            whichones=keep,
            weights_agg=weights,
            wif=weight_if,
        )
        return estimate, np.asarray(influence, dtype=float).ravel()


def _counterfactual_mean(prep: PreparedPanel, fit: _CSFit) -> tuple[float, np.ndarray]:
    """Treated units' mean observed outcome per treated day, with its influence function:
    M = Σ w_i S_i / Σ w_i K_i (S_i: unit i's outcome summed over its treated days, K_i: their
    number, w_i its weight, 1 without weights)."""
    data = prep.data
    s = data["_ysum_post"].groupby(data["_unit"]).sum()
    k = data["_days_post"].groupby(data["_unit"]).sum().astype(float)
    s, k = s.loc[fit.unit_order].to_numpy(), k.loc[fit.unit_order].to_numpy()
    s, k = s * fit.unit_w, k * fit.unit_w
    mean_post = float(s.sum() / k.sum())
    return mean_post, (s - mean_post * k) / k.mean()


def _event_table(
    fit: _CSFit,
    prep: PreparedPanel,
    event_window: tuple[int, int] | None,
    pretrend_periods: int | None = None,
):
    """Event-study coefficients by relative period, with SEs from the influence functions.
    Post-period rows are per treated day (divided by the period's treated-day share)."""
    kwargs = {}
    if event_window is not None:
        kwargs = {"min_e": event_window[0], "max_e": event_window[1]}
    dynamic = fit.aggregate("dynamic", **kwargs)
    rel = np.asarray(dynamic["egt"], dtype=int)
    est = np.asarray(dynamic["att_egt"], dtype=float)
    influence = np.asarray(dynamic["inf_function"]["dynamic_inf_func_e"], dtype=float)
    data = prep.data
    rel_of_row = data["_t"] - data["_g"]
    share = np.array(
        [_treated_share(data, rel_of_row == e) if e >= 0 else 1.0 for e in rel], dtype=float
    )
    share = np.where(np.isfinite(share) & (share > 0), share, 1.0)
    est, influence = est / share, influence / share
    cov = _covariance(influence, fit.clusters)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    rows = []
    for i, e in enumerate(rel):
        cohorts = np.unique(fit.cells_g[(fit.cells_t - fit.cells_g) == e])
        reference = bool(se[i] == 0)  # universal base: the base period is 0 by construction
        low, high = normal_ci(est[i], se[i]) if not reference else (math.nan, math.nan)
        rows.append(
            {
                "rel_period": int(e),
                "estimate": float(est[i]),
                "se": float(se[i]) if not reference else math.nan,
                "ci_low": low,
                "ci_high": high,
                "kind": "pre" if e < 0 else "post",
                "n_cohorts": len(cohorts),
                "reference": reference,
                "treated_share": float(share[i]),
            }
        )
    table = pd.DataFrame(rows)
    n_clusters = len(np.unique(fit.clusters)) if fit.clusters is not None else fit.n
    pretrend = _pretrend_test(rel, est, se, cov, n_clusters, pretrend_periods)
    return table, pretrend


def _wald(b: np.ndarray, v: np.ndarray) -> tuple[float, int]:
    rank = int(np.linalg.matrix_rank(v))
    return float(b @ np.linalg.pinv(v) @ b), rank


def _pretrend_test(
    rel: np.ndarray,
    est: np.ndarray,
    se: np.ndarray,
    cov: np.ndarray,
    n_clusters: int,
    periods: int | None,
) -> dict[str, Any]:
    """Joint test that the pre-period event-study coefficients are zero.

    Which coefficients: the `periods` pre-periods nearest the treatment (all with None; the
    universal base's reference period, fixed at 0, is never counted). Far pre-periods are
    estimated from the few late cohorts only, and a Wald statistic over many of them with a
    covariance estimated from those few units over-rejects (40-55% at the 5% level on
    simulated worlds with parallel trends). The statistic is referred to an F(df, G - 1)
    distribution (G clusters), the usual small-sample version of a cluster-robust Wald test;
    the chi-square p-value is kept beside it.
    """
    out: dict[str, Any] = {
        "n_pre_periods": 0,
        "periods_tested": [],
        "statistic": math.nan,
        "df": 0,
        "df_denominator": int(n_clusters - 1),
        "p_value": math.nan,  # no pre-periods: nothing to test
        "p_value_chi2": math.nan,
        "p_value_all_periods_chi2": math.nan,
        "test": (
            f"Wald on the {periods} pre-periods nearest treatment"
            if periods is not None
            else "Wald on every pre-period"
        )
        + ", F(df, clusters - 1), cluster-robust influence-function covariance",
    }
    pre_all = np.flatnonzero((rel < 0) & (se > 0))
    if not pre_all.size:
        return out
    pre = pre_all[np.argsort(rel[pre_all])[::-1][:periods]] if periods else pre_all
    pre = np.sort(pre)
    stat, df = _wald(est[pre], cov[np.ix_(pre, pre)])
    stat_all, df_all = _wald(est[pre_all], cov[np.ix_(pre_all, pre_all)])
    p_f = float(f_dist.sf(stat / df, df, n_clusters - 1)) if df and n_clusters > 1 else math.nan
    out.update(
        n_pre_periods=int(pre.size),
        periods_tested=[int(e) for e in rel[pre]],
        statistic=stat,
        df=df,
        p_value=p_f,
        p_value_chi2=float(chi2.sf(stat, df)) if df else math.nan,
        p_value_all_periods_chi2=float(chi2.sf(stat_all, df_all)) if df_all else math.nan,
    )
    return out


def twfe_did(
    panel: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    first_treated: str,
    *,
    cluster: str | None = None,
    period: Literal["auto", "day", "week"] = "auto",
    min_cohort_size: int = 1,
    weights: str | None = None,
) -> CausalResult:
    """Plain two-way fixed effects DiD: y ~ treated | unit + time, clustered by unit (or
    `cluster`), via pyfixest (weighted least squares with unit `weights` if given). Shown
    beside `staggered_did` as the naive contrast: it is biased when effects vary across cohorts
    or over time since treatment. Same panel coding as staggered_did (see `_panel.py`)."""
    prep = prepare_panel(
        panel, unit, time, outcome, first_treated,
        cluster=cluster, min_cohort_size=min_cohort_size, period=period, weights=weights,
    )  # fmt: skip
    return _twfe(prep, cluster or unit)


def _twfe(prep: PreparedPanel, cluster_label: str) -> CausalResult:
    # The treated-day share as regressor: 0 before, partly in a first treated week, then 1.
    data = prep.data.assign(_treated=prep.data["_f"])
    cluster_col = prep.cluster or "_unit"
    with quiet(logger, "pyfixest") as messages:
        fit = pf.feols(
            "_y ~ _treated | _unit + _t",
            data=data,
            vcov={"CRV1": cluster_col},
            weights=prep.weights,
        )
        estimate = float(fit.coef()["_treated"])
        se = float(fit.se()["_treated"])
        ci = fit.confint().loc["_treated"].to_numpy(dtype=float)
    return CausalResult(
        estimate=estimate,
        se=se,
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        n=prep.n_units,
        method=(
            f"TWFE DiD (unit and {prep.notes['time_unit']} period fixed effects, "
            f"{'weighted, ' if prep.weights else ''}clustered by {cluster_label})"
        ),
        diagnostics={**prep.notes, "library_warnings": messages},
        assumptions=TWFE_ASSUMPTIONS,
    )


def twfe_event_study(prep: PreparedPanel, event_window: tuple[int, int] | None = None):
    """TWFE event study: y ~ Σ_e 1[t − g = e] | unit + time, reference e = −1, never-treated
    units at the reference. Returns a tidy table like the CS event study."""
    data = prep.data.copy()
    rel = np.where(data["_g"] > 0, data["_t"] - data["_g"], -1)
    if event_window is not None:
        rel = np.clip(rel, event_window[0], event_window[1])  # bin the endpoints
    data["_rel"] = rel
    cluster_col = prep.cluster or "_unit"
    with quiet(logger, "pyfixest"):
        fit = pf.feols("_y ~ i(_rel, ref=-1) | _unit + _t", data=data, vcov={"CRV1": cluster_col})
        tidy = fit.tidy()
    rows = [{"rel_period": -1, "estimate": 0.0, "se": math.nan, "ci_low": math.nan,
             "ci_high": math.nan, "kind": "pre", "reference": True}]  # fmt: skip
    for name, row in tidy.iterrows():
        e = int(float(str(name).split("::")[-1].rstrip("]")))
        rows.append(
            {
                "rel_period": e,
                "estimate": float(row["Estimate"]),
                "se": float(row["Std. Error"]),
                "ci_low": float(row["2.5%"]),
                "ci_high": float(row["97.5%"]),
                "kind": "pre" if e < 0 else "post",
                "reference": False,
            }
        )
    return pd.DataFrame(rows).sort_values("rel_period").reset_index(drop=True)


def _calendar_splits(prep: PreparedPanel, fit: _CSFit) -> dict[str, Any]:
    """The overall ATT on and off each calendar effect's periods (e.g. during 618 or not)."""
    out: dict[str, Any] = {}
    by_t = prep.data.groupby("_t")
    for col, internal in prep.calendar.items():
        on_periods = by_t[internal].first()
        on_periods = set(on_periods[on_periods > 0].index.astype(float))
        mask_on = np.isin(fit.cells_t, list(on_periods))
        rows_on = prep.data["_t"].isin(on_periods)
        entry: dict[str, Any] = {"n_periods_on": len(on_periods)}
        for label, mask, rows in (("on", mask_on, rows_on), ("off", ~mask_on, ~rows_on)):
            est, influence = fit.aggregate_cells(mask)
            share = _treated_share(prep.data, rows)
            est, influence = est / share, influence / share
            se = (
                math.sqrt(variance_of_mean(influence, fit.clusters))
                if math.isfinite(est)
                else math.nan
            )
            low, high = normal_ci(est, se)
            entry[label] = {"estimate": est, "se": se, "ci_low": low, "ci_high": high}
        out[col] = entry
    return out


def _validate_options(control_group, base_period, event_window) -> None:
    require_choice(control_group, "control_group", ("notyettreated", "nevertreated"))
    require_choice(base_period, "base_period", ("varying", "universal"))
    if event_window is not None:
        ok = (
            isinstance(event_window, (tuple, list))
            and len(event_window) == 2
            and all(isinstance(v, (int, np.integer)) for v in event_window)
            and event_window[0] < 0 <= event_window[1]
        )
        if not ok:
            raise ValueError(f"event_window must be (min_e < 0, max_e >= 0), got {event_window!r}")


def staggered_did(
    panel: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    first_treated: str,
    *,
    covariates: Iterable[str] | None = None,
    control_group: Literal["notyettreated", "nevertreated"] = "notyettreated",
    relative: bool = False,
    calendar_effects: Iterable[str] | None = None,
    min_cohort_size: int = 3,
    cluster: str | None = None,
    period: Literal["auto", "day", "week"] = "auto",
    base_period: Literal["varying", "universal"] = "varying",
    event_window: tuple[int, int] | None = None,
    weights: str | None = None,
    pretrend_periods: int | None = DEFAULT_PRETREND_PERIODS,
    seed: int = 0,
) -> CausalResult:
    """Callaway–Sant'Anna ATT of a staggered treatment, over treated units' post periods.

    Parameters
    ----------
    panel : one row per unit and time (balanced after period coding).
    first_treated : the unit's first treated period (a date if `time` holds dates); missing or
        0 for never-treated units.
    covariates : conditioning variables for parallel trends (doubly robust); their value in
        each unit's first period is used, so later, possibly treatment-moved values never enter.
    control_group : compare with not-yet-treated units (default; more comparisons) or only
        never-treated ones.
    relative : report the effect as a percent of the treated units' counterfactual mean
        (observed post-period mean minus the ATT): 100·ATT/(M − ATT). Interval by the delta
        method from the joint influence functions of ATT and M. Event-study rows stay in levels.
    calendar_effects : indicator columns common to all units at each time (e.g. a 618 festival
        dummy). CS absorbs them (every comparison is within a period); the diagnostics report
        the ATT on and off those periods.
    min_cohort_size : cohorts with fewer units are dropped (reported), not merged.
    cluster : standard errors are clustered by unit (default) or by this coarser column.
    period : "auto" (weeks when `time` holds dates, periods as given when integers), "day"
        (dates as days, integers as given) or "week". Weekly periods are much faster and give
        larger cohorts; the effect is still per treated day (the partly treated first week is
        accounted for, see `_panel.py`).
    base_period : "varying" (pre-period coefficients are period-on-period changes, csdid's
        default) or "universal" (all relative to the last pre-period, like a TWFE event study).
        Post-period estimates, and so the overall ATT, are the same under both.
    event_window : (min_e, max_e) relative periods shown in the event study; default all.
    weights : a column of unit weights (positive, one value per unit), or None (every unit
        counts the same). They weight units in every ATT(g, t) (treated and comparison means),
        in the cohort sizes of the aggregation and in the counterfactual mean. With an outcome
        divided by a unit's own baseline level b_i (y/b_i) and weights b_i, the relative effect
        is a ratio of totals: Σ(Y1 − Y0) / Σ Y0 over treated units' post periods (big units
        count in proportion to their size), under parallel trends in proportional terms
        (size-weighted comparison trends). Without weights it is the average of units' own
        relative changes (each unit counts the same).
    pretrend_periods : how many pre-periods nearest the treatment the joint pre-trend test
        uses (None: all). Far pre-periods rest on the few late cohorts and a Wald test over
        many of them over-rejects; see `_pretrend_test`.
    seed : kept for a uniform signature; the analytic influence-function SEs are deterministic.

    Diagnostics: `event_study` (rows by relative period with CIs), `pretrend` (joint Wald test
    of the pre-period coefficients: statistic, df, p_value (F), p_value_chi2,
    p_value_all_periods_chi2), `pretrend_p_value`,
    `pretrend_cells_p_value` (csdid's test on all pre-period ATT(g,t)), `twfe` (the naive TWFE
    effect for contrast), `cohort_sizes`, dropped units and cohorts, `calendar_effects`, and
    for relative=True `att_levels` and `counterfactual_mean`.
    """
    _validate_options(control_group, base_period, event_window)
    if not isinstance(relative, bool):
        raise ValueError(f"relative must be True or False, got {relative!r}")
    if pretrend_periods is not None and (
        not isinstance(pretrend_periods, (int, np.integer)) or pretrend_periods < 1
    ):
        raise ValueError(
            f"pretrend_periods must be a positive integer or None, got {pretrend_periods!r}"
        )
    del seed  # deterministic estimator
    prep = prepare_panel(
        panel, unit, time, outcome, first_treated,
        covariates=covariates, calendar_effects=calendar_effects, cluster=cluster,
        min_cohort_size=min_cohort_size, period=period, weights=weights,
    )  # fmt: skip
    if control_group == "nevertreated" and prep.notes["n_never_treated_units"] == 0:
        raise ValueError(
            f"control_group='nevertreated' but no unit has a missing '{first_treated}'; "
            "use control_group='notyettreated'"
        )
    if prep.notes["n_never_treated_units"] == 0 and len(prep.notes["cohort_sizes"]) < 2:
        raise ValueError("one cohort and no never-treated units: nothing to compare with")

    fit = _CSFit(prep, control_group, base_period)
    simple = fit.aggregate("simple")
    share = _treated_share(prep.data)
    att = float(simple["overall_att"]) / share
    att_if = np.asarray(simple["inf_function"]["simple_att"], dtype=float).ravel() / share
    att_se = math.sqrt(variance_of_mean(att_if, fit.clusters))

    table, pretrend = _event_table(fit, prep, event_window, pretrend_periods)
    twfe = _twfe(prep, cluster or unit)
    cluster_label = cluster or unit
    diagnostics: dict[str, Any] = {
        **prep.notes,
        "control_group": control_group,
        "base_period": base_period,
        "weights": weights,
        "covariates": list(covariates or []),
        "event_study": table,
        "pretrend": pretrend,
        "pretrend_p_value": pretrend["p_value"],
        "pretrend_cells_p_value": _or_nan(fit.att.MP.get("Wpval")),
        "twfe": twfe.to_effect() | {"se": twfe.se},
        "n_nan_cells": int(np.isnan(fit.cells_att).sum()),
        "treated_day_share": share,
        "calendar_effects": _calendar_splits(prep, fit),
        "calendar_note": (
            "Calendar effects common to all units at a time (e.g. 618) cancel in every "
            "ATT(g,t) comparison, which is made within a period; the on/off split shows whether "
            "the effect differs during them."
        ),
        "library_warnings": fit.messages,
    }
    comparison = "not-yet-treated" if control_group == "notyettreated" else "never-treated"
    method = (
        f"Callaway–Sant'Anna DiD (doubly robust, {comparison} comparisons, {base_period} base, "
        f"{prep.notes['time_unit']} periods), average over treated units' post periods "
        + (f"weighted by '{weights}'" if weights is not None else "(each unit counts the same)")
        + f", clustered by {cluster_label}"
    )
    estimate, se = att, att_se
    assumptions = CS_ASSUMPTIONS
    if relative:
        mean_post, mean_if = _counterfactual_mean(prep, fit)
        counterfactual = mean_post - att
        if not counterfactual > 0:
            raise ValueError(
                f"relative=True needs a positive counterfactual mean; got {counterfactual:.4g} "
                f"for outcome '{outcome}'"
            )
        estimate = 100 * att / counterfactual
        pct_if = 100 * (mean_post * att_if - att * mean_if) / counterfactual**2
        se = math.sqrt(variance_of_mean(pct_if, fit.clusters))
        low, high = normal_ci(att, att_se)
        diagnostics["att_levels"] = {"estimate": att, "se": att_se, "ci_low": low, "ci_high": high}
        diagnostics["counterfactual_mean"] = counterfactual
        diagnostics["treated_post_mean"] = mean_post
        diagnostics["twfe_relative_pct"] = 100 * twfe.estimate / (mean_post - twfe.estimate)
        method += "; relative change in % of the counterfactual mean (delta method)" + (
            f": with outcome/baseline and weights '{weights}', a ratio of totals"
            if weights is not None
            else ""
        )
        assumptions = (
            *CS_ASSUMPTIONS,
            "The percentage is relative to the treated units' counterfactual mean (observed "
            "post-period mean minus the ATT).",
        )
    low, high = normal_ci(estimate, se)
    return CausalResult(
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        n=prep.n_units,
        method=method,
        diagnostics=diagnostics,
        assumptions=assumptions,
    )


def event_study(
    panel: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    first_treated: str,
    *,
    method: Literal["cs", "twfe", "both"] = "cs",
    event_window: tuple[int, int] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Event-study coefficients by relative period, tidy for plotting.

    Columns: rel_period, estimate, se, ci_low, ci_high, kind ("pre"/"post"), reference,
    method ("cs"/"twfe"). `kwargs` go to `staggered_did` (period, control_group, base_period,
    covariates, min_cohort_size, cluster, ...). The TWFE event study bins relative periods
    outside `event_window` into its endpoints.
    """
    require_choice(method, "method", ("cs", "twfe", "both"))
    frames = []
    if method in ("cs", "both"):
        result = staggered_did(
            panel, unit, time, outcome, first_treated, event_window=event_window, **kwargs
        )
        frames.append(pd.DataFrame(result.diagnostics["event_study"]).assign(method="cs"))
    if method in ("twfe", "both"):
        keep = {k: kwargs[k] for k in ("cluster", "period", "min_cohort_size") if k in kwargs}
        prep = prepare_panel(panel, unit, time, outcome, first_treated, **keep)
        frames.append(twfe_event_study(prep, event_window).assign(method="twfe"))
    columns = ["rel_period", "estimate", "se", "ci_low", "ci_high", "kind", "reference", "method"]
    return pd.concat(frames, ignore_index=True)[columns]
