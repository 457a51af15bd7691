"""How strong would a hidden confounder have to be to erase a DML estimate?

DoubleML's omitted-variable bounds (Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis, "Long
Story Short", 2022). A hidden confounder is described by two strengths:

- `cf_y`: the share of the outcome's residual variation (after the covariates) it explains;
- `cf_d`: the relative gain it brings to the variation of the Riesz representer, i.e. how much
  it would sharpen the treatment model (for a binary treatment, roughly how much it explains
  of the treatment's residual variation);

and `rho`, how aligned the two are (|rho| = 1 is the adversarial worst case). The robustness
value RV is the common strength cf_y = cf_d at which the bias bound reaches zero; RVa, the
strength at which the 95% interval of the bounds first includes zero.

Verdict rule (stated, not tuned): an estimate whose interval excludes zero is **fragile** when
RVa ≤ `threshold` (default 0.03: a confounder explaining 3% of the residual variation of both
outcome and treatment would make it statistically indistinguishable from zero). An estimate
whose interval already includes zero has nothing to erase and is not flagged; its bounds under
the benchmark strength show how large an effect such a confounder could be hiding.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from doubleml import DoubleMLIRM

from ._checks import as_list
from ._cluster_variance import running_doubleml
from .result import CausalResult

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.03

SENSITIVITY_ASSUMPTIONS: tuple[str, ...] = (
    "The hidden confounder's strength is measured as in Chernozhukov et al. (2022): shares of "
    "residual variation of the outcome (cf_y) and of the Riesz representer (cf_d).",
    "rho = 1 takes the worst case: the confounder's effects on outcome and treatment align "
    "to bias the estimate as much as possible.",
)


def _check_fraction(value: float, name: str, low: float = 0.0, high: float = 1.0) -> float:
    if not isinstance(value, (int, float)) or not (low <= value < high):
        raise ValueError(f"{name} must be a number in [{low}, {high}), got {value!r}")
    return float(value)


def bounds_under(model: DoubleMLIRM, cf_y: float, cf_d: float, rho: float) -> dict[str, float]:
    """Bounds on the estimate, and their 95% interval, under one confounder strength."""
    with running_doubleml(logger):
        model.sensitivity_analysis(cf_y=cf_y, cf_d=cf_d, rho=rho, level=0.95, null_hypothesis=0.0)
    params = model.sensitivity_params

    def first(value) -> float:
        return float(np.ravel(value)[0])

    return {
        "theta_low": first(params["theta"]["lower"]),
        "theta_high": first(params["theta"]["upper"]),
        "ci_low": first(params["ci"]["lower"]),
        "ci_high": first(params["ci"]["upper"]),
        "rv": first(params["rv"]),
        "rva": first(params["rva"]),
    }


def benchmark_strength(result: CausalResult, design_columns: list[str]) -> dict[str, float]:
    """The strength (cf_y, cf_d, rho, clipped to their ranges) a hidden confounder would have if
    it were as strong as these design columns ("x3", ...) together, and how far dropping them
    moves the estimate (delta_theta). Refits the nuisance models without them (DoubleML).

    Refused for fits with an `outcome_pool`: DoubleML's refit knows nothing of the pool, so its
    short model's g0 would learn from the sample alone and the benchmark would measure the pool,
    not the columns."""
    if result.diagnostics.get("n_outcome_pool"):
        raise ValueError(
            "sensitivity benchmarks refit without the outcome_pool this estimate's outcome "
            "model learned from; they are not available for pooled fits (the bounds are)"
        )
    with running_doubleml(logger):
        row = result.model.sensitivity_benchmark(benchmarking_set=design_columns).iloc[0]
    return {
        "cf_y": min(max(float(row["cf_y"]), 0.0), 0.9999),
        "cf_d": min(max(float(row["cf_d"]), 0.0), 0.9999),
        "rho": min(max(float(row["rho"]), -1.0), 1.0),
        "delta_theta": float(row["delta_theta"]),
    }


def _benchmarks(
    model: DoubleMLIRM, result: CausalResult, covariates: list[str]
) -> list[dict[str, object]]:
    """Each observed covariate's strength as if it were the hidden confounder (refits the
    nuisance models without it), and whether a confounder that strong would erase the effect."""
    groups = result.diagnostics.get("design_groups", {})
    offset = result.diagnostics.get("outcome_offset")
    rows = []
    for covariate in covariates:
        if covariate not in groups:
            raise ValueError(f"benchmark covariate '{covariate}' was not a covariate of the fit")
        if covariate == offset:
            # The outcome model scales its predictions by this covariate (the last column);
            # a refit without it would take another column for the exposure.
            raise ValueError(
                f"benchmark covariate '{covariate}' is the fit's exposure offset "
                "(outcome_offset): it cannot be dropped for a benchmark"
            )
        measured = benchmark_strength(result, [f"x{i}" for i in groups[covariate]])
        strength = {k: measured[k] for k in ("cf_y", "cf_d", "rho")}
        bounds = bounds_under(model, **strength)
        rows.append(
            {
                "covariate": covariate,
                **strength,
                "delta_theta": measured["delta_theta"],
                "bounds_ci": [bounds["ci_low"], bounds["ci_high"]],
                "would_erase": bool(bounds["ci_low"] <= 0 <= bounds["ci_high"]),
            }
        )
    return rows


def sensitivity_to_hidden_confounder(
    result: CausalResult,
    *,
    cf_y: float = DEFAULT_THRESHOLD,
    cf_d: float = DEFAULT_THRESHOLD,
    rho: float = 1.0,
    threshold: float = DEFAULT_THRESHOLD,
    benchmark_covariates: Iterable[str] | None = None,
) -> CausalResult:
    """Sensitivity of an `att_dml` estimate to a confounder it could not see.

    Returns a CausalResult with the original estimate and SE, and as its interval the 95%
    interval of the bounds under a confounder of strength (cf_y, cf_d, rho). Diagnostics:
    `rv`, `rva` (robustness values), `theta_bounds`, `fragile` (see the module's verdict rule),
    `verdict` (a plain-language sentence), `significant`, and optionally `benchmarks`: for each
    covariate in `benchmark_covariates`, the (cf_y, cf_d, rho) it would have as a hidden
    confounder and whether a confounder that strong would erase the effect
    (`erased_by_benchmark` lists those). Each benchmark refits the nuisance models: slow.
    Calibrating the threshold against observed covariates is how to judge whether "3%" is
    modest in a given application.
    """
    model = result.model if isinstance(result, CausalResult) else None
    if not isinstance(model, DoubleMLIRM):
        raise ValueError(
            "sensitivity_to_hidden_confounder needs an att_dml result (its fitted DoubleML model)"
        )
    cf_y = _check_fraction(cf_y, "cf_y")
    cf_d = _check_fraction(cf_d, "cf_d")
    threshold = _check_fraction(threshold, "threshold", 0.0, 1.0)
    if not isinstance(rho, (int, float)) or not (-1.0 <= rho <= 1.0):
        raise ValueError(f"rho must be a number in [-1, 1], got {rho!r}")
    benchmark_covariates = as_list(benchmark_covariates)

    benchmarks = _benchmarks(model, result, benchmark_covariates) if benchmark_covariates else []
    # Last, so the model's stored sensitivity_params are the requested scenario.
    bounds = bounds_under(model, cf_y, cf_d, rho)
    rv, rva = bounds["rv"], bounds["rva"]
    ci_low, ci_high = bounds["ci_low"], bounds["ci_high"]

    significant = not (result.ci_low <= 0 <= result.ci_high)
    fragile = bool(significant and rva <= threshold)
    if not significant:
        verdict = (
            f"The estimate ({result.estimate:.4g}) is not distinguishable from zero, so there is "
            f"no effect for a hidden confounder to erase. A confounder of strength "
            f"cf_y={cf_y:.0%}, cf_d={cf_d:.0%} could be hiding an effect anywhere in "
            f"[{ci_low:.4g}, {ci_high:.4g}]."
        )
    elif fragile:
        verdict = (
            f"Fragile: a hidden confounder explaining only {rva:.1%} of the residual variation "
            f"of both outcome and treatment would make the estimate ({result.estimate:.4g}) "
            f"indistinguishable from zero ({rv:.1%} would move the point estimate to zero); "
            f"threshold {threshold:.0%}."
        )
    else:
        verdict = (
            f"Robust: a hidden confounder would have to explain {rva:.1%} of the residual "
            f"variation of both outcome and treatment to make the estimate ({result.estimate:.4g}) "
            f"indistinguishable from zero ({rv:.1%} to move the point estimate to zero), more "
            f"than the {threshold:.0%} threshold."
        )
    diagnostics = {
        "estimate_ci": [result.ci_low, result.ci_high],
        "cf_y": cf_y,
        "cf_d": cf_d,
        "rho": rho,
        "theta_bounds": [bounds["theta_low"], bounds["theta_high"]],
        "bounds_ci": [ci_low, ci_high],
        "rv": rv,
        "rva": rva,
        "threshold": threshold,
        "significant": significant,
        "fragile": fragile,
        "verdict": verdict,
    }
    if benchmarks:
        diagnostics["benchmarks"] = benchmarks
        diagnostics["erased_by_benchmark"] = [
            b["covariate"] for b in benchmarks if b["would_erase"]
        ]
    return CausalResult(
        estimate=result.estimate,
        se=result.se,
        ci_low=ci_low,
        ci_high=ci_high,
        n=result.n,
        method=(
            f"Omitted-variable bounds for {result.method} "
            f"(cf_y={cf_y:g}, cf_d={cf_d:g}, rho={rho:g}; DoubleML sensitivity analysis)"
        ),
        diagnostics=diagnostics,
        assumptions=(
            *(a for a in result.assumptions if not a.startswith("No hidden confounding")),
            *SENSITIVITY_ASSUMPTIONS,
        ),
    )
