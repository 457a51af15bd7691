"""One result type for every estimator in `redcat.causal`.

Each estimator returns a `CausalResult`: the estimate, its standard error and 95% interval, how
many units it used, a human-readable method, JSON-able diagnostics and the assumptions the design
rests on, in plain words. `to_effect()` gives the results.json effect form of
shared/data-contract.md.

Two fields are kept out of `to_dict()` and out of equality: `model` (the fitted library object,
e.g. a DoubleML model the sensitivity analysis needs) and `influence` (per-unit influence
functions, which let two effects estimated on the same units be combined with their covariance).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

Z_95 = float(norm.ppf(0.975))


def jsonable(value: Any, *, strict: bool = True) -> Any:
    """Plain Python (dict/list/str/float/int/bool/None) for `value`.

    strict=True (for JSON files): NaN and inf become None. strict=False (for diagnostics kept
    in memory): they stay floats, so callers can still format and compare them.
    """
    if isinstance(value, pd.DataFrame):
        return [jsonable(row, strict=strict) for row in value.to_dict(orient="records")]
    if isinstance(value, (pd.Series, Mapping)):
        return {str(k): jsonable(v, strict=strict) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [jsonable(v, strict=strict) for v in value]
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) or not strict else None
    if value is None or isinstance(value, str):
        return value
    return str(value)


@dataclass(frozen=True)
class Influence:
    """Per-unit influence functions of one estimate, for combining estimates on the same units.

    `values[i, r]` is unit i's influence in repetition r, scaled so that the repetition's
    estimate minus the truth is approximately `values[:, r].mean()` (for the population
    variance; the sample-ATT one puts other terms in for some treated units, see below).
    `thetas[r]` are the per-repetition estimates. `splits_key` identifies the cross-fitting
    folds: two estimates can be combined only when their unit index and folds agree. `extra[j, r]`, when present, are
    independent pseudo-units of the same scale (each its own cluster) that add to the variance
    but to no unit: att_dml's sample-ATT variance puts the treated units' unseen noise there,
    in place of `own[:, r]`, the treated units' part of `values`, whose own clustered square
    leaves the variance (its cross terms with the comparison units stay; `variance_of_mean`).
    Treated units beyond the comparison units' support, and those whose own residual is larger
    than the noise model allows them all (`surprising`), are not in `own`: their `values` are
    their own residuals (see `redcat.causal._sample_variance`).
    """

    values: np.ndarray
    thetas: np.ndarray
    index: pd.Index
    clusters: np.ndarray | None = None
    splits_key: str = ""
    extra: np.ndarray | None = None
    own: np.ndarray | None = None
    # The treated units' noise model behind `extra` (σ² per unit on the outcome's scale, 0 on
    # comparison units and beyond the support, and its cluster correlation), to give a subset
    # of them its own share.
    noise_variance: np.ndarray | None = None
    noise_correlation: float = 0.0
    # Treated units beyond the comparison units' support or surprising (`beyond_support`, both
    # kinds) carry their own residual instead of the noise model (outcome scale, (n, n_rep), 0
    # elsewhere; `values` holds it over p).
    own_residual: np.ndarray | None = None
    beyond_support: np.ndarray | None = None
    surprising: np.ndarray | None = None


@dataclass(frozen=True)
class CausalResult:
    """An estimated effect with its 95% interval, diagnostics and stated assumptions.

    `diagnostics` holds plain Python values (tables as lists of dicts); a number that could not
    be computed is NaN there, and None in `to_dict()`, which is strict JSON.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    method: str
    diagnostics: dict[str, Any] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    model: Any = field(default=None, repr=False, compare=False)
    influence: Influence | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen, so normalize through object.__setattr__: diagnostics are always JSON-able.
        object.__setattr__(self, "estimate", float(self.estimate))
        object.__setattr__(self, "se", float(self.se))
        object.__setattr__(self, "ci_low", float(self.ci_low))
        object.__setattr__(self, "ci_high", float(self.ci_high))
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "diagnostics", jsonable(dict(self.diagnostics), strict=False))
        object.__setattr__(self, "assumptions", tuple(str(a) for a in self.assumptions))

    @property
    def p_value(self) -> float:
        """Two-sided normal p-value of estimate = 0 (NaN when the SE is not positive)."""
        if not (self.se > 0 and math.isfinite(self.se)):
            return math.nan
        return float(2 * norm.sf(abs(self.estimate / self.se)))

    def to_effect(self) -> dict[str, Any]:
        """The results.json effect object: estimate, ci_low, ci_high, method, n."""
        return jsonable(
            {
                "estimate": self.estimate,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "method": self.method,
                "n": self.n,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything except the fitted model and influence functions, JSON-able."""
        return jsonable(
            {
                "estimate": self.estimate,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "p_value": self.p_value,
                "n": self.n,
                "method": self.method,
                "diagnostics": self.diagnostics,
                "assumptions": list(self.assumptions),
            }
        )

    def __str__(self) -> str:
        return (
            f"{self.method}: {self.estimate:.4g} (95% CI {self.ci_low:.4g} to {self.ci_high:.4g}; "
            f"SE {self.se:.3g}; n={self.n})"
        )


def normal_ci(estimate: float, se: float) -> tuple[float, float]:
    """The 95% normal interval estimate ± 1.96 SE."""
    return estimate - Z_95 * se, estimate + Z_95 * se


def aggregate_repetitions(thetas: np.ndarray, ses: np.ndarray) -> tuple[float, float]:
    """Median aggregation over cross-fitting repetitions, as DoubleML does it.

    The estimate is the median of the per-repetition estimates; the SE is backed out of the
    median upper bound, so it grows when repetitions disagree.
    """
    thetas = np.asarray(thetas, dtype=float)
    ses = np.asarray(ses, dtype=float)
    theta = float(np.median(thetas))
    upper = float(np.median(thetas + Z_95 * ses))
    return theta, (upper - theta) / Z_95


def variance_of_mean(
    influence: np.ndarray,
    clusters: np.ndarray | None = None,
    extra: np.ndarray | None = None,
    own: np.ndarray | None = None,
) -> float:
    """Variance of an estimate from its per-unit influence function: mean(IF²)/n, or with
    clusters (integer codes) the sum of squared cluster totals over n²; independent pseudo-units
    `extra` (see `Influence`) add their sum of squares over n². With `own` (the part of the
    influence whose own clustered square the pseudo-units replace; see `Influence`), that square
    is taken out and its cross terms with the rest kept, floored at (sd(extra) - sd(rest))²."""
    n = len(influence)

    def squares(values: np.ndarray) -> float:
        if clusters is None:
            return float(np.sum(values**2))
        return float(np.sum(np.bincount(clusters, weights=values) ** 2))

    total = squares(influence)
    added = 0.0 if extra is None else float(np.sum(np.asarray(extra) ** 2))
    if own is None:
        return (total + added) / n**2
    rest = squares(influence - own)
    floor = (math.sqrt(added) - math.sqrt(rest)) ** 2
    return max(total - squares(own) + added, floor) / n**2


def not_estimated(design: str, reason: str) -> CausalResult:
    """A placeholder result (NaN, n = 0) for a design the data cannot support, saying why."""
    nan = float("nan")
    return CausalResult(
        estimate=nan,
        se=nan,
        ci_low=nan,
        ci_high=nan,
        n=0,
        method=f"{design}: not estimated ({reason})",
        diagnostics={"problem": reason},
    )
