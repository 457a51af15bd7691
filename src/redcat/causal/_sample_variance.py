"""The variance of the ATT over the treated units in hand (the sample ATT), for `att_dml`.

DoubleML's influence-function variance is that of the population ATT: the average effect over
units like the treated ones. Its treated units' term, the spread of y - g0(x) - θ among them,
counts how much the effect differs from one treated unit to the next. When the question is the
average over the treated units actually observed (the data contract's "average over linked
notes of GMV with the link minus without it", and what a simulator's truth holds), that spread
is no error: the estimate misses the truth only by the treated units' untreated-outcome noise,
y0 - g0(x), and by the comparison units' term. So the sample-ATT variance keeps everything of
the population one except the treated units' own clustered sum of squares, which it replaces
by a model of that noise:

    V = Σ_clusters [ (T_c + C_c)² - T_c² ]  +  N          (over n², as the population one)

with T_c and C_c a cluster's treated and comparison influence totals (C_c including the
treated units on their own residual, below: beyond the comparison units' support, or
surprising). What stays, C_c² + 2·T_c·C_c, is the comparison term and its covariance with the treated units of the same cluster (a
merchant's shared shock raises its linked notes' outcomes and lowers its comparison notes'
residual term at once; dropping it overstates the variance). N, the treated units' noise:

- its scale, σ²(x), from the comparison units' squared residuals e² = (y - g0(x))², cross-fitted.
  When the comparison units' outcomes are non-negative (money, counts) and the g0 predictions
  all positive (e.g. a log-link outcome model, `outcome_offset`), σ²(x) = φ(x)·g0(x), the
  dispersion φ learned by a small LightGBM (target e²/g0, weight g0: each leaf's φ is Σe²/Σg0
  there), so that the noise
  grows with the predicted level beyond the comparison units' range, as a sum of purchases does
  (under strong selection the best treated units sit above nearly all comparison units);
  otherwise σ²(x) is learned directly from e²;
- shared within clusters: an exchangeable correlation ρ, measured on the comparison units'
  residuals against their σ(x) (Σ_c Σ_{i≠j} e_i·e_j / Σ_c Σ_{i≠j} σ_i·σ_j, clipped to [0, 1]):
  N = Σ_c [ Σ σ_i² + ρ·((Σ σ_i)² - Σ σ_i²) ] over the treated units of cluster c.

The noise model does not read the treated units' outcomes, so the spread of their effects
cannot enter it: on the note-level truth benchmark the same world with and without
cannibalization (the same errors) got nearly the same SE from it, where the population
half-width grows 1.5-2x. Its limit is the same fact seen from the other side: it is learned
where the comparison units are. A treated unit with propensity above OWN_RESIDUAL_PROPENSITY
(0.8: fewer than one comparison unit like it per four treated ones) is beyond their support,
and there a treated unit that sold far more than its traits predict adds to the error but not
to the model (under strong selection on the truth benchmark, about 40% of the linked notes are
beyond; under weak selection 1-4%). Those units keep their own term instead, the
treated-outcome model's residual rescaled to the untreated level,
(y - g1(x))·sqrt(g0(x)/g1(x)) over p (`untreated_scale_residual`: a sum of purchases has its
variance in proportion to its mean, so the residual of the outcome with treatment is brought
to the level of the one without), in place of their population term (y - g0 - θ)/p, with all
their cross terms; N covers the others only. That residual still holds the part of a unit's
effect its traits do not predict, so for those units the variance leans toward the population
one (wider). On the truth benchmark's 60 seeds (benchmarks/bench_note_variance.py) this put
off-site coverage at 0.933 under strong selection, against 0.85 for the noise model alone.

The noise model also misses the tail: sums of purchases are heavy-tailed, and now and then a
treated unit within the support sells far more than its traits predict (on the truth
benchmark, none_weak seed 1050: a linked note with ¥437,599 in-app GMV where the untreated
model predicted ¥124,104 and the treated one ¥200,270; the in-app error was ¥199 against a
sample-ATT SE of ¥13.5, because that unit's deviation, kept in its cross terms with its
merchant's comparison notes, cancelled most of the rest). A treated unit whose own
untreated-scale residual, squared, exceeds N (the noise the model gives all the treated units
on it together; `surprising_units`) is one the model cannot describe, and it too keeps its own
residual. That is sqrt(N)/σ(x) of the unit's modeled SDs: many unless one unit's σ² is a large
share of N. On the truth benchmark it happens in 17-40% of worlds per scenario, for one unit
or two. `att_dml_ratio` puts the units either outcome finds surprising on their own residual
in both, so that the two effects share one partition (each effect's `treated_surprising` then
counts the units of both).

N enters as independent pseudo-units, one per comparison unit, sqrt(w)·e scaled so that their
sum of squares is N (w = m/(1-m), the ATT odds): two outcomes' pseudo-units then multiply to a
covariance of their noise read off the same comparison units, so the ratio of two effects gets
its variance from the same arithmetic. If the kept cross terms ever made V smaller than the
two parts allow, V is floored at (sqrt(N) - sqrt(Σ (T_c + C_c)² over the rest))²
(Var(A + B) >= (sd A - sd B)²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from lightgbm import LGBMRegressor

from .learners import DEFAULT_LEARNER_PARAMS
from .result import aggregate_repetitions, variance_of_mean

# The noise model: the nuisance learners' settings, with bigger leaves and no feature sampling
# or shrinkage (it learns one smooth scale, from the comparison units).
NOISE_MODEL_PARAMS = {
    **DEFAULT_LEARNER_PARAMS,
    "num_leaves": 15,
    "min_child_samples": 100,
    "colsample_bytree": 1.0,
    "reg_lambda": 0.0,
}


# Beyond this propensity a treated unit has fewer than one comparison unit like it per four
# treated ones: the noise model, learned on comparison units, is not read there.
OWN_RESIDUAL_PROPENSITY = 0.8


@dataclass(frozen=True)
class SampleVariance:
    """att_dml's sample-ATT variance pieces, each (n, n_rep) unless said: `values` the influence
    (the population one, with the treated units on their own residual, `beyond_support`, in
    place of theirs), `own` the other treated units' part (whose clustered square is taken
    out), `pseudo` (n_comparison, n_rep) those units' noise; with what the noise model found."""

    values: np.ndarray
    own: np.ndarray
    pseudo: np.ndarray
    noise_variance: np.ndarray  # σ²(x) on treated units on the noise model, else 0 (outcome scale)
    noise_model: str
    cluster_correlation: float
    noise_share: float  # sqrt(N) over the population treated part's sqrt (median over reps)
    beyond_support: np.ndarray  # treated units on their own residual (either reason)
    own_residual_scaled: bool  # treated residuals brought to the untreated level by sqrt(g0/g1)
    noise_total: float  # N: the modeled variance of the other treated units' summed noise
    surprising: np.ndarray  # treated units within the support on their own residual
    untreated_residual: np.ndarray  # every treated unit's untreated-scale residual, else 0

    @property
    def own_residual(self) -> np.ndarray:
        """The untreated-scale residual of the units on their own residual, 0 elsewhere."""
        return np.where(self.beyond_support[:, None], self.untreated_residual, 0.0)


def _noise_scale(
    x: np.ndarray,
    y: np.ndarray,
    residual: np.ndarray,
    g0: np.ndarray,
    comparison: np.ndarray,
    seed: int,
) -> tuple[np.ndarray, str]:
    """σ²(x) for every unit, learned on the comparison units' squared residuals (the choice of
    model reads comparison outcomes only, never the treated units')."""
    model = LGBMRegressor(**NOISE_MODEL_PARAMS, random_state=seed)
    squared = residual[comparison] ** 2
    if np.all(g0 > 0) and np.all(y[comparison] >= 0):
        model.fit(x[comparison], squared / g0[comparison], sample_weight=g0[comparison])
        return np.maximum(model.predict(x), 0.0) * g0, "dispersion × g0(x)"
    model.fit(x[comparison], squared)
    return np.maximum(model.predict(x), 0.0), "squared residuals"


def exchangeable_correlation(
    residual: np.ndarray, scale: np.ndarray, clusters: np.ndarray
) -> float:
    """ρ with E[e_i·e_j] = ρ·σ_i·σ_j for two units of one cluster, clipped to [0, 1]."""
    pairs = np.sum(np.bincount(clusters, weights=residual) ** 2) - np.sum(residual**2)
    bound = np.sum(np.bincount(clusters, weights=scale) ** 2) - np.sum(scale**2)
    return float(np.clip(pairs / bound, 0.0, 1.0)) if bound > 0 else 0.0


def treated_noise_total(
    variance: np.ndarray, clusters: np.ndarray | None, correlation: float
) -> float:
    """Σ over clusters of the variance of the cluster's summed noise (exchangeable)."""
    if clusters is None:
        return float(np.sum(variance))
    scale = np.sqrt(variance)
    shared = np.sum(np.bincount(clusters, weights=scale) ** 2) - np.sum(variance)
    return float(np.sum(variance) + correlation * shared)


def untreated_scale_residual(
    y: np.ndarray, g0: np.ndarray, g1: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Treated units' residuals from the treated-outcome model, y - g1(x), scaled to the
    untreated outcome's level by sqrt(g0/g1) when their outcomes are non-negative and both
    predictions positive (a sum of purchases: variance in proportion to the mean), else as
    is; and whether it was scaled. y (n,), g0 and g1 (n, n_rep), for the units concerned."""
    residual = y[:, None] - g1
    if np.all(y >= 0) and np.all(g0 > 0) and np.all(g1 > 0):
        return residual * np.sqrt(g0 / g1), True
    return residual, False


def sample_att_influence(
    y: np.ndarray,
    d: np.ndarray,
    g0: np.ndarray,
    g1: np.ndarray,
    propensity: np.ndarray,
    population_influence: np.ndarray,
    trim: float,
    x: np.ndarray,
    clusters: np.ndarray | None = None,
    seed: int = 0,
    beyond_propensity: float = OWN_RESIDUAL_PROPENSITY,
    surprising: np.ndarray | None = None,
) -> SampleVariance:
    """The sample-ATT influence pieces from a fitted ATT (g0, g1, propensity and
    population_influence per repetition, each (n, n_rep); x the design matrix). Treated units
    with mean propensity above `beyond_propensity` keep their own residual (1 or more: none),
    and so do the treated units in `surprising` (see `surprising_units`)."""
    d = np.asarray(d)
    n, p = len(d), d.mean()
    comparison, treated = d == 0, d == 1
    beyond_propensity_units = treated & (propensity.mean(axis=1) > beyond_propensity)
    surprising = (
        np.zeros(n, dtype=bool)
        if surprising is None
        else treated & np.asarray(surprising, dtype=bool) & ~beyond_propensity_units
    )
    beyond = beyond_propensity_units | surprising
    within = treated & ~beyond
    residual_mean = y - g0.mean(axis=1)
    sigma2, kind = _noise_scale(x, y, residual_mean, g0.mean(axis=1), comparison, seed)
    rho = 0.0
    if clusters is not None:
        rho = exchangeable_correlation(
            residual_mean[comparison], np.sqrt(sigma2[comparison]), clusters[comparison]
        )
    noise = treated_noise_total(sigma2[within], None if clusters is None else clusters[within], rho)
    # On the influence scale: N / p² is what n² · V needs (V = Σ influence² / n²).
    noise_total = noise / p**2

    m = np.clip(propensity, trim, 1 - trim)
    odds = m / (1 - m)
    residual = y[:, None] - g0
    raw = np.sqrt(odds[comparison]) * residual[comparison]
    size = np.sum(raw**2, axis=0)
    factor = np.sqrt(np.divide(noise_total, size, out=np.zeros_like(size), where=size > 0))
    pseudo = raw * factor[None, :]
    if len(pseudo):
        # A repetition whose comparison residuals are all zero still carries the noise: as one
        # pseudo-unit (its covariance with another outcome's noise is then not read off them).
        pseudo[0, size <= 0] = np.sqrt(noise_total)
    # Whether residuals are rescaled is decided once, over all treated units, so that the test
    # for surprising units and the residuals they then keep agree.
    untreated_residual = np.zeros_like(g0)
    untreated_residual[treated], rescaled = untreated_scale_residual(
        y[treated], g0[treated], g1[treated]
    )
    # A treated unit's influence is its residual over p (the ATTE score's scale).
    values = np.where(beyond[:, None], untreated_residual / p, population_influence)
    own = np.where(within[:, None], population_influence, 0.0)
    own_variances = [variance_of_mean(own[:, r], clusters) for r in range(own.shape[1])]
    shares = [np.sqrt(noise_total / (n**2 * v)) for v in own_variances if v > 0]
    return SampleVariance(
        values=values,
        own=own,
        pseudo=pseudo,
        noise_variance=np.where(within, sigma2, 0.0),
        noise_model=kind,
        cluster_correlation=rho,
        noise_share=float(np.median(shares)) if shares else float("nan"),
        beyond_support=beyond,
        own_residual_scaled=rescaled,
        noise_total=noise,
        surprising=surprising,
        untreated_residual=untreated_residual,
    )


def surprising_units(d: np.ndarray, pieces: SampleVariance) -> np.ndarray:
    """Treated units on the noise model whose own untreated-scale residual (mean over
    repetitions), squared, exceeds N, the noise the model gives all those units together (as
    computed with them on it): the model cannot describe such a unit (sums of purchases are
    heavy-tailed, and now and then a note sells several times what its traits predict), so it
    keeps its own residual (`sample_att_influence`'s `surprising`). The test is made once; N
    without the units it finds is a little smaller."""
    within = (np.asarray(d) == 1) & ~pieces.beyond_support
    found = np.zeros(len(within), dtype=bool)
    if within.any() and pieces.noise_total > 0:
        residual = pieces.untreated_residual[within].mean(axis=1)
        found[within] = residual**2 > pieces.noise_total
    return found


def sample_att_pieces(*args: Any, surprising: np.ndarray | None = None) -> SampleVariance:
    """`sample_att_influence(*args)` (its arguments y, d, g0, g1, propensity, ... positionally)
    with the surprising treated units on their own residual: those found on this outcome
    (`surprising_units`), or, when given, `surprising` (for two outcomes that share one
    variance partition, the units either one found)."""
    if surprising is not None:
        return sample_att_influence(*args, surprising=surprising)
    pieces = sample_att_influence(*args)
    found = surprising_units(args[1], pieces)
    return sample_att_influence(*args, surprising=found) if found.any() else pieces


def sample_att_se(
    thetas: np.ndarray, pieces: SampleVariance, clusters: np.ndarray | None
) -> tuple[float, float]:
    """The estimate and its sample-ATT SE, aggregated over repetitions as DoubleML does."""
    values = pieces.values
    ses = [
        np.sqrt(variance_of_mean(values[:, r], clusters, pieces.pseudo[:, r], pieces.own[:, r]))
        for r in range(values.shape[1])
    ]
    return aggregate_repetitions(thetas, np.asarray(ses))
