"""The variance of the ATT over the treated units in hand (the sample ATT), for `att_dml`.

DoubleML's influence-function variance is that of the population ATT: the average effect over
units like the treated ones. Its treated units' term, the spread of y - g0(x) - θ among them,
counts how much the effect differs from one treated unit to the next. When the question is the
average over the treated units actually observed (what a simulator's truth holds, and what
"what did links do to the linked notes" asks), that spread is no error: the estimate misses the
truth only by the treated units' untreated-outcome noise, y0 - g0(x), and by the comparison
units' term. The noise cannot be seen on treated units, but under the design's own assumption
(no hidden confounding, overlap) the comparison units' squared residuals weighted by the ATT
odds w = m/(1-m) estimate its sum over the treated units (Imbens 2004's conditional variance;
Abadie and Imbens 2006):

    V = [ Σ_clusters (Σ_comparison w·e)²  +  k · Σ_comparison w·e² ] / n_treated²

with e = y - g0(x) on comparison units. The first term is the comparison units' own part of the
influence function, cluster-robust; the second stands for the treated units' noise, counted as
independent units and scaled by k, the design effect of clustering measured on the treated
units' influence (how much larger their clustered sum of squares is than the plain one; at
least 1), so that noise shared within a cluster is not assumed away.

It rests on overlap: where treated units crowd a region with few comparison units, those
few residuals stand for many treated units' noise and can badly understate it (see att_dml's
`variance`).

Represented as influence values (the comparison part, per unit and cluster) plus independent
pseudo-units sqrt(k·w)·e/p (one per comparison unit), so that two outcomes' variances and
covariance, and so the ratio's, follow from the same arithmetic as the population version.
"""

from __future__ import annotations

import numpy as np

from .result import aggregate_repetitions, variance_of_mean


def sample_att_influence(
    y: np.ndarray,
    d: np.ndarray,
    g0: np.ndarray,
    propensity: np.ndarray,
    population_influence: np.ndarray,
    trim: float,
    clusters: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per repetition (columns of g0, propensity and population_influence, each (n, n_rep)):
    the comparison units' influence values (n, n_rep; 0 on treated units), the independent
    pseudo-units standing for the treated units' noise (n_comparison, n_rep), and the design
    effect k of each repetition."""
    d = np.asarray(d)
    p = d.mean()
    comparison = d == 0
    m = np.clip(propensity, trim, 1 - trim)
    odds = m / (1 - m)
    residual = y[:, None] - g0
    values = np.where(comparison[:, None], -odds * residual / p, 0.0)
    treated_influence = np.where(comparison[:, None], 0.0, population_influence)
    k = np.ones(g0.shape[1])
    if clusters is not None:
        for r in range(g0.shape[1]):
            plain = variance_of_mean(treated_influence[:, r])
            if plain > 0:
                k[r] = max(1.0, variance_of_mean(treated_influence[:, r], clusters) / plain)
    pseudo = np.sqrt(k[None, :] * odds[comparison]) * residual[comparison] / p
    return values, pseudo, k


def sample_att_se(
    thetas: np.ndarray, values: np.ndarray, pseudo: np.ndarray, clusters: np.ndarray | None
) -> tuple[float, float]:
    """The estimate and its sample-ATT SE, aggregated over repetitions as DoubleML does."""
    ses = [
        np.sqrt(variance_of_mean(values[:, r], clusters, pseudo[:, r]))
        for r in range(values.shape[1])
    ]
    return aggregate_repetitions(thetas, np.asarray(ses))
