"""Effects by subgroup: industry, in-app store or not, price band, creator tier.

Each subgroup effect reuses the note-level fit: the doubly robust ATT score is an average over
notes, so the effect on the linked notes of a subgroup is the same score averaged over that
subgroup's notes,

    θ_g = Σ_{i∈g} ψ_b,i / Σ_{i∈g} (−ψ_a,i)      (ψ_a = −D/p, ψ_b the score's other part),

with the nuisance models (outcome and propensity) cross-fitted once on all notes. Subgroups
are defined by pre-link traits only, so the propensity model already conditions on them. The
interval is the normal one from the subgroup's influence functions, clustered by merchant,
per cross-fitting repetition, aggregated by the median (as for the overall effect), with the
overall effect's variance (the sample-ATT one at the note level: the group's linked notes'
noise from the fit's noise model in place of their own spread, and for those beyond the
comparison notes' support, or too surprising for the noise model, their own residual). Subgroups
with fewer than MIN_LINKED linked notes are listed without an estimate.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from redcat.causal._sample_variance import treated_noise_total
from redcat.causal.result import (
    CausalResult,
    aggregate_repetitions,
    normal_ci,
    variance_of_mean,
)

log = logging.getLogger(__name__)

MIN_LINKED = 20
DIMENSIONS = ("industry", "has_inapp_store", "price_band", "tier")


def subgroup_effect(
    result: CausalResult, members: np.ndarray, clusters: np.ndarray | None
) -> dict[str, float]:
    """The ATT over the linked notes in `members` (bool mask over the fit's rows), with the
    variance the overall effect has: the population one, or, when the fit has the sample-ATT
    variance, the same with the group's treated notes' own square replaced by their share of
    the noise model, and those beyond the comparison notes' support or too surprising for the
    model on their own residual (`redcat.causal._sample_variance`)."""
    model = result.model
    psi_a = np.asarray(model.psi_elements["psi_a"])[:, :, 0][members]
    psi_b = np.asarray(model.psi_elements["psi_b"])[:, :, 0][members]
    fit = result.influence
    sample = fit is not None and fit.noise_variance is not None
    thetas, ses = [], []
    group_clusters = pd.factorize(clusters[members])[0] if clusters is not None else None
    if sample:
        has_own_residual = fit.beyond_support is not None
        beyond = fit.beyond_support[members] if has_own_residual else np.zeros(len(psi_a), bool)
        noise_variance = fit.noise_variance[members]
    for r in range(psi_a.shape[1]):
        denominator = float(-psi_a[:, r].mean())
        theta = float(psi_b[:, r].mean() / denominator)
        influence = (psi_b[:, r] + psi_a[:, r] * theta) / denominator
        if sample:
            # A treated note's influence is (y - g0 - θ)·c with c = -psi_a / denominator; one on
            # its own residual (beyond the support, or surprising) has that residual·c instead.
            scale = -psi_a[:, r] / denominator
            within = (psi_a[:, r] != 0) & ~beyond
            if has_own_residual:
                influence = np.where(beyond, scale * fit.own_residual[members, r], influence)
            noise = treated_noise_total(
                scale[within] ** 2 * noise_variance[within],
                None if group_clusters is None else group_clusters[within],
                fit.noise_correlation,
            )
            own = np.where(within, influence, 0.0)
            variance = variance_of_mean(influence, group_clusters, np.sqrt([noise]), own)
        else:
            variance = variance_of_mean(influence, group_clusters)
        thetas.append(theta)
        ses.append(math.sqrt(variance))
    estimate, se = aggregate_repetitions(np.array(thetas), np.array(ses))
    low, high = normal_ci(estimate, se)
    return {"estimate": estimate, "se": se, "ci_low": low, "ci_high": high}


def effects_by_subgroup(
    results: dict[str, CausalResult],
    frame: pd.DataFrame,
    dimensions: tuple[str, ...] = DIMENSIONS,
    cluster: str = "merchant_id",
) -> pd.DataFrame:
    """One row per outcome × dimension × level: linked notes, effect, SE and 95% interval.

    `results` maps an outcome name to its att_dml result fitted on `frame`'s rows in order.
    """
    rows = []
    clusters = frame[cluster].to_numpy() if cluster else None
    linked = frame["linked"].to_numpy() == 1
    for outcome, result in results.items():
        if len(result.model.psi_elements["psi_a"]) != len(frame):
            raise ValueError(f"the {outcome} fit does not match the note frame's rows")
        for dimension in dimensions:
            values = frame[dimension].astype(str).to_numpy()
            for level in sorted(pd.unique(values)):
                members = values == level
                n_linked = int((members & linked).sum())
                row = {
                    "outcome": outcome,
                    "dimension": dimension,
                    "level": level,
                    "n_notes": int(members.sum()),
                    "n_linked": n_linked,
                }
                if n_linked >= MIN_LINKED and (members & ~linked).sum() >= MIN_LINKED:
                    row.update(subgroup_effect(result, members, clusters))
                else:
                    row.update(estimate=np.nan, se=np.nan, ci_low=np.nan, ci_high=np.nan)
                rows.append(row)
    table = pd.DataFrame(rows)
    log.info("subgroup effects:\n%s", table.to_string(index=False))
    return table
