"""The ratio of two effects estimated on the same units, with a delta-method interval.

The cannibalization ratio is −ATT(in-app GMV) / ATT(off-site GMV): in-app yuan lost per yuan of
extra off-site GMV, over the same linked notes. The two ATTs come from the same notes, so their
errors are correlated (a note that sells well sells well on both sides); the interval must use
their covariance. Both effects are cross-fitted on the same folds, with the same propensity
model, and the ratio's influence function is the delta-method combination of theirs:

    IF_R = scale · (IF_num / θ_den − θ_num · IF_den / θ_den²)

Its variance is mean(IF_R²)/n (or the sum of squared cluster totals / n² with clusters); as for
the effects themselves, the ratio is computed per repetition and aggregated by the median.
A Fieller interval, which stays honest when the denominator is weakly identified, is reported
beside it in the diagnostics.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ._checks import require_columns, require_frame, require_numeric
from .dml import att_dml, fitted_propensity, fitted_splits, with_surprising_units
from .result import (
    Z_95,
    CausalResult,
    Influence,
    aggregate_repetitions,
    normal_ci,
    variance_of_mean,
)

logger = logging.getLogger(__name__)


def _fieller_interval(
    a: float, b: float, var_a: float, var_b: float, cov_ab: float, scale: float
) -> list[float] | None:
    """95% Fieller interval for scale·a/b; None when it is unbounded (b not distinguishable
    from 0)."""
    z2 = Z_95**2
    qa = b**2 - z2 * var_b
    if qa <= 0:
        return None
    qb = -2 * (a * b - z2 * cov_ab)
    qc = a**2 - z2 * var_a
    disc = qb**2 - 4 * qa * qc
    if disc < 0:
        return None
    roots = sorted(
        scale * r for r in ((-qb - math.sqrt(disc)) / (2 * qa), (-qb + math.sqrt(disc)) / (2 * qa))
    )
    return roots


def _ratio_variance(
    a: float,
    b: float,
    scale: float,
    num: tuple[np.ndarray, np.ndarray | None, np.ndarray | None],
    den: tuple[np.ndarray, np.ndarray | None, np.ndarray | None],
    clusters: np.ndarray | None,
) -> float:
    """Delta-method variance of scale·a/b from the two effects' influence values (with
    pseudo-units and own parts, when the variance is the sample ATT's)."""

    def combined(u: np.ndarray | None, v: np.ndarray | None) -> np.ndarray | None:
        return None if u is None else scale * (u / b - a * v / b**2)

    return variance_of_mean(
        combined(num[0], den[0]),
        clusters,
        combined(num[1], den[1]),
        combined(num[2], den[2]),
    )


def _same_variance(a: Influence, b: Influence) -> bool:
    """Both population influences, or both sample-ATT ones with pseudo-units of one shape and
    the same units on their own residual."""
    if a.extra is None or b.extra is None:
        return a.extra is None and b.extra is None
    return a.extra.shape == b.extra.shape and np.array_equal(a.beyond_support, b.beyond_support)


def ratio_of_effects(
    numerator: CausalResult, denominator: CausalResult, *, scale: float = -1.0
) -> CausalResult:
    """scale × numerator / denominator for two effects estimated on the same units.

    The default scale −1 gives the project's cannibalization ratio −ATT(in-app)/ATT(off-site).
    Both results need influence functions (att_dml results carry them) on the same unit index
    and with the same number of repetitions; folds should match too (att_dml_ratio ensures it).
    Interval: delta method from the joint influence functions (covariance included), per
    repetition, median-aggregated; the Fieller interval is in diagnostics["fieller_ci"].
    """
    for role, res in (("numerator", numerator), ("denominator", denominator)):
        if not isinstance(res, CausalResult) or res.influence is None:
            raise ValueError(f"{role} must be a CausalResult with influence functions (att_dml)")
    f_num: Influence = numerator.influence
    f_den: Influence = denominator.influence
    if not f_num.index.equals(f_den.index):
        raise ValueError("numerator and denominator were estimated on different units")
    if f_num.values.shape != f_den.values.shape:
        raise ValueError("numerator and denominator have different numbers of repetitions")
    if f_num.splits_key != f_den.splits_key:
        logger.warning("ratio_of_effects: the two effects used different folds")
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale != 0):
        raise ValueError(f"scale must be a non-zero finite number, got {scale!r}")

    if not _same_variance(f_num, f_den):
        raise ValueError(
            "numerator and denominator use different variances (sample-ATT vs population): "
            "fit both with the same att_dml variance"
        )

    clusters = f_num.clusters
    ratios, ses, corrs, covs = [], [], [], []
    for r in range(f_num.values.shape[1]):
        a, b = f_num.thetas[r], f_den.thetas[r]
        if b == 0:
            raise ValueError("denominator effect is exactly zero in a repetition: no ratio")
        if_a, if_b = f_num.values[:, r], f_den.values[:, r]
        ex_a, ex_b = (None, None) if f_num.extra is None else (f_num.extra[:, r], f_den.extra[:, r])
        own_a, own_b = (None, None) if f_num.own is None else (f_num.own[:, r], f_den.own[:, r])
        ratios.append(scale * a / b)
        ses.append(
            math.sqrt(
                _ratio_variance(a, b, scale, (if_a, ex_a, own_a), (if_b, ex_b, own_b), clusters)
            )
        )
        var_a = variance_of_mean(if_a, clusters, ex_a, own_a)
        var_b = variance_of_mean(if_b, clusters, ex_b, own_b)
        both = None if ex_a is None else ex_a + ex_b
        own_both = None if own_a is None else own_a + own_b
        cov = (variance_of_mean(if_a + if_b, clusters, both, own_both) - var_a - var_b) / 2
        # A floored sample-ATT variance can leave the three pieces slightly inconsistent.
        bound = math.sqrt(max(var_a, 0.0) * max(var_b, 0.0))
        cov = min(max(cov, -bound), bound)
        covs.append((var_a, var_b, cov))
        corrs.append(cov / math.sqrt(var_a * var_b) if var_a > 0 and var_b > 0 else float("nan"))
    estimate, se = aggregate_repetitions(np.array(ratios), np.array(ses))
    low, high = normal_ci(estimate, se)

    var_a, var_b, cov = np.median(np.array(covs), axis=0)
    fieller = _fieller_interval(numerator.estimate, denominator.estimate, var_a, var_b, cov, scale)
    den_significant = abs(denominator.estimate) > Z_95 * math.sqrt(var_b)
    warning = None
    if not den_significant:
        warning = (
            "the denominator effect is not distinguishable from zero: the ratio is weakly "
            "identified and its delta-method interval is unreliable (Fieller interval unbounded)"
        )
        logger.warning("ratio_of_effects: %s", warning)

    sign = "−" if scale == -1 else ("" if scale == 1 else f"{scale:g}×")
    method = (
        f"Ratio {sign}ATT({numerator.diagnostics.get('outcome', 'numerator')})"
        f"/ATT({denominator.diagnostics.get('outcome', 'denominator')}) on the same units and folds; "
        "delta-method interval from joint influence functions"
    )
    diagnostics = {
        "numerator": numerator.to_effect(),
        "denominator": denominator.to_effect(),
        "scale": scale,
        "per_rep_ratios": ratios,
        "correlation_of_estimates": float(np.median(corrs)),
        "fieller_ci": fieller,
        "denominator_significant": bool(den_significant),
        "weak_denominator_warning": warning,
        "interval": "delta method (normal), per repetition, median-aggregated",
    }
    assumptions = tuple(
        dict.fromkeys(
            (
                *numerator.assumptions,
                *denominator.assumptions,
                "The denominator effect is clearly non-zero (else the ratio is not identified).",
            )
        )
    )
    return CausalResult(
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        n=numerator.n,
        method=method,
        diagnostics=diagnostics,
        assumptions=assumptions,
    )


def _one_partition(num: CausalResult, den: CausalResult) -> tuple[CausalResult, CausalResult]:
    """Both sample-ATT effects with the treated units either one found surprising on their own
    residual (their propensities, and so the units beyond the support, are shared already): the
    ratio's variance needs one partition of the treated units."""
    surprising = [r.influence.surprising for r in (num, den)]
    either = surprising[0] | surprising[1]
    return tuple(
        r if np.array_equal(found, either) else with_surprising_units(r, either)
        for r, found in zip((num, den), surprising, strict=True)
    )


def att_dml_ratio(
    df: pd.DataFrame,
    outcome_num: str,
    outcome_den: str,
    treatment: str,
    covariates: Iterable[str],
    *,
    scale: float = -1.0,
    n_folds: int = 5,
    n_rep: int = 3,
    seed: int = 0,
    learner_params: Mapping[str, Any] | None = None,
    trim: float | tuple[float, float] = 0.01,
    categorical: Iterable[str] | None = None,
    cluster: str | None = None,
    n_jobs: int = 1,
    outcome_offset: str | None = None,
    outcome_pool: pd.DataFrame | None = None,
    pool_threads: int = 1,
    variance: str = "population",
) -> CausalResult:
    """The ratio scale·ATT(outcome_num)/ATT(outcome_den) (default −in-app/off-site).

    Fits att_dml for the numerator, then for the denominator on the same folds and with the
    same cross-fitted propensities, and combines them with `ratio_of_effects`. The two
    component results are returned too, in `result.model` as {"numerator": CausalResult,
    "denominator": CausalResult} (their effects are also in the diagnostics), so callers need
    not fit them again.
    """
    options = dict(
        n_folds=n_folds,
        n_rep=n_rep,
        seed=seed,
        learner_params=learner_params,
        trim=trim,
        categorical=categorical,
        cluster=cluster,
        n_jobs=n_jobs,
        outcome_offset=outcome_offset,
        outcome_pool=outcome_pool,
        pool_threads=pool_threads,
        variance=variance,
    )
    if outcome_num == outcome_den:
        raise ValueError(f"outcome_num and outcome_den are the same column '{outcome_num}'")
    # Validate the denominator's outcome before the (slow) numerator fit.
    require_frame(df)
    require_columns(df, [outcome_den], "outcome")
    require_numeric(df, outcome_den, "outcome")
    num = att_dml(df, outcome_num, treatment, covariates, **options)
    den = att_dml(
        df,
        outcome_den,
        treatment,
        covariates,
        **options,
        _splits=fitted_splits(num),
        _propensity=fitted_propensity(num),
    )
    if variance == "sample":
        num, den = _one_partition(num, den)
    ratio = ratio_of_effects(num, den, scale=scale)
    return replace(ratio, model={"numerator": num, "denominator": den})
