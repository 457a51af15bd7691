"""`att_dml(variance="sample")`: the variance of the ATT over the treated units in hand.

Synthetic worlds where the truth is that sample average (the mean of each treated unit's own
effect, as in the simulator's truth.json). Tolerances are stated at each test."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from redcat.causal import att_dml, att_dml_ratio, ratio_of_effects
from redcat.causal._sample_variance import (
    exchangeable_correlation,
    surprising_units,
    treated_noise_total,
    untreated_scale_residual,
)
from redcat.causal.dml import with_surprising_units
from redcat.causal.result import variance_of_mean

FAST = {"n_estimators": 150, "learning_rate": 0.05, "min_child_samples": 20}


def varied_world(seed: int, n: int = 1500, spread: float = 4.0) -> tuple[pd.DataFrame, float]:
    """Outcome x1 + 0.5 x2 + noise; treatment likelier with x1; each treated unit's own effect
    is 1 + spread·N(0, 1) (half of it explained by x2, half not). Returns the frame, with
    clusters of 5 units, and the sample ATT over its treated units."""
    rng = np.random.default_rng(seed)
    x1, x2, own = rng.normal(size=(3, n))
    d = rng.binomial(1, 1 / (1 + np.exp(-0.8 * x1)))
    tau = 1 + spread * (x2 + own) / np.sqrt(2)
    y0 = x1 + 0.5 * x2 + rng.normal(size=n)
    y = y0 + tau * d
    frame = pd.DataFrame({"x1": x1, "x2": x2, "d": d, "y": y, "y2": y0 + 2 * tau * d + 5})
    frame["m"] = np.arange(n) // 5
    return frame, float(tau[d == 1].mean())


def fit(frame: pd.DataFrame, seed: int, **options):
    kwargs = dict(n_folds=3, n_rep=1, seed=seed, learner_params=FAST)
    return att_dml(frame, "y", "d", ["x1", "x2"], **kwargs, **options)


def test_without_effect_heterogeneity_both_variances_agree():
    """Constant effect: the sample-ATT SE is within 20% of the population SE (measured 0.99
    and 0.98 times it, without and with clusters) and the estimate is the same."""
    frame, _ = varied_world(0, spread=0.0)
    for cluster in (None, "m"):
        result = fit(frame, 0, variance="sample", cluster=cluster)
        population = fit(frame, 0, cluster=cluster)
        assert result.estimate == population.estimate
        assert result.diagnostics["population_se"] == pytest.approx(population.se)
        assert 0.8 < result.se / population.se < 1.2
        assert "sample-ATT variance" in result.method


@pytest.mark.slow
def test_sample_variance_covers_the_sample_att_where_the_population_one_is_too_wide():
    """20 worlds with effects spread ±4 around 1: against the sample ATT, errors measured in
    sample-ATT SEs spread 0.75-1.3 (measured 0.89) and 95% intervals cover 17-20 of 20
    (measured 20); in population SEs they spread under 0.6 (measured 0.48)."""
    z_sample, z_population, covered = [], [], 0
    for seed in range(20):
        frame, satt = varied_world(seed)
        result = fit(frame, seed, variance="sample", cluster="m")
        z_sample.append((result.estimate - satt) / result.se)
        z_population.append((result.estimate - satt) / result.diagnostics["population_se"])
        covered += result.ci_low <= satt <= result.ci_high
    assert 0.75 < np.std(z_sample) < 1.3
    assert np.std(z_population) < 0.6
    assert 17 <= covered <= 20


def test_sample_variance_flows_into_the_ratio():
    """The ratio's delta-method SE from sample-ATT pseudo-units. y2's effect is exactly twice
    y's, unit by unit, so -y/y2 is -0.5 and its population SE has no spread of effects to
    count either: the two SEs agree within 30% (measured 0.0191 vs 0.0190), while each
    effect's own SE shrinks by more than 40% (measured 0.086 vs 0.174 for y). Mixing variances
    is refused."""
    frame, _ = varied_world(1)
    kwargs = dict(n_folds=3, n_rep=1, seed=1, learner_params=FAST, cluster="m")
    sample = att_dml_ratio(frame, "y", "y2", "d", ["x1", "x2"], variance="sample", **kwargs)
    population = att_dml_ratio(frame, "y", "y2", "d", ["x1", "x2"], **kwargs)
    assert sample.estimate == pytest.approx(-0.5, abs=0.1)
    assert 0.7 < sample.se / population.se < 1.3
    num = sample.model["numerator"]
    assert num.se < 0.6 * num.diagnostics["population_se"]
    mixed = (sample.model["numerator"], population.model["denominator"])
    with pytest.raises(ValueError, match="different variances"):
        ratio_of_effects(*mixed)


def test_treated_outcomes_enter_the_sample_variance_only_beyond_the_support():
    """Without clusters there is no cross term, and the noise model reads only comparison
    units: a spread of effects added to the outcomes of the treated units within the
    comparison units' support (±5 around 0, unrelated to anything) moves the estimate and
    widens the population SE (measured 0.078 -> 0.188), but leaves the sample-ATT SE as it was
    but for the treated-outcome model's refit, which the units beyond the support read
    (0.0791 -> 0.0799). Added to the 105 of 730 treated units beyond it (propensity above 0.8),
    it widens the sample-ATT SE (0.079 -> 0.104): their own residuals stand in for the noise
    model there."""
    frame, _ = varied_world(2, spread=0.0)
    before = fit(frame, 2, variance="sample")
    beyond = before.influence.beyond_support
    assert 20 < beyond.sum() < 0.3 * frame["d"].sum()
    assert before.diagnostics["treated_on_own_residual"] == beyond.sum()
    noise = frame["d"] * np.random.default_rng(7).normal(scale=5.0, size=len(frame))
    within = frame.assign(y=frame["y"] + np.where(beyond, 0.0, noise))
    after = fit(within, 2, variance="sample")
    assert after.estimate != before.estimate
    assert after.diagnostics["population_se"] > 2 * before.diagnostics["population_se"]
    assert after.se == pytest.approx(before.se, rel=0.03)
    outside = fit(frame.assign(y=frame["y"] + np.where(beyond, noise, 0.0)), 2, variance="sample")
    assert outside.se > 1.1 * before.se


def test_a_treated_unit_the_noise_model_cannot_describe_keeps_its_own_residual():
    """One treated unit within the support whose untreated outcome is 60 above the rest (the
    noise has sd 1; its square, 3,600, is far above N, about 780, the noise the model gives
    all 625 such units together). Without the rule the sample-ATT SE would not see it (no
    clusters, and the noise model reads only comparison units), though it moves the estimate
    by 60/730 = 0.08, about one SE (measured 0.950 -> 1.032). With it, that unit keeps its own
    residual: the SE grows by more than 30% (measured 0.079 -> 0.114) and the interval still
    covers the truth, 1. No other unit is flagged. In the ratio the unit keeps its own residual
    in both effects, though only one outcome has it (one partition of the treated units)."""
    frame, _ = varied_world(2, spread=0.0)
    before = fit(frame, 2, variance="sample")
    assert before.diagnostics["treated_surprising"] == 0
    treated_within = np.flatnonzero((frame["d"] == 1).to_numpy() & ~before.influence.beyond_support)
    unit = treated_within[0]
    shocked = frame.assign(y=frame["y"] + 60.0 * (np.arange(len(frame)) == unit))
    after = fit(shocked, 2, variance="sample")
    assert after.diagnostics["treated_surprising"] == 1
    assert np.flatnonzero(after.influence.surprising).tolist() == [unit]
    assert after.influence.beyond_support[unit]
    assert after.se > 1.3 * before.se
    assert after.ci_low <= 1.0 <= after.ci_high
    kwargs = dict(n_folds=3, n_rep=1, seed=2, learner_params=FAST, variance="sample")
    ratio = att_dml_ratio(shocked, "y", "y2", "d", ["x1", "x2"], **kwargs)
    num, den = ratio.model["numerator"], ratio.model["denominator"]
    assert np.flatnonzero(den.influence.surprising).tolist() == [unit]
    assert den.diagnostics["treated_surprising"] == 1
    assert np.array_equal(num.influence.beyond_support, den.influence.beyond_support)
    p = shocked["d"].mean()
    assert den.influence.values[unit, 0] == den.influence.own_residual[unit, 0] / p != 0
    assert den.influence.own[unit, 0] == 0 and den.influence.noise_variance[unit] == 0
    # Recomputing with the units it has already gives the result back.
    again = with_surprising_units(after, after.influence.surprising)
    assert again.se == after.se and np.array_equal(again.influence.values, after.influence.values)


def test_surprising_units_by_hand():
    """N = 10: treated residuals 9, 0 and 2 (two repetitions averaging to each) square to 81, 0
    and 4, so only the first is surprising; the fourth treated unit, beyond the support already,
    is not looked at however large; comparison units never are."""
    d = np.array([0, 1, 1, 1, 1])
    residual = np.array([[0, 0], [8, 10], [-1, 1], [2, 2], [90, 90]], dtype=float)
    pieces = SimpleNamespace(
        beyond_support=np.array([False, False, False, False, True]),
        noise_total=10.0,
        untreated_residual=residual,
    )
    assert surprising_units(d, pieces).tolist() == [False, True, False, False, False]


def test_exchangeable_correlation_by_hand():
    """Two clusters of two units with unit scales: residuals that agree within each cluster
    give ρ = 1; residuals that cancel give 0 (clipped from -1); e = (1, 0.5, 1, 0.2) gives
    [(1.5² + 1.2²) - (1 + 0.25 + 1 + 0.04)] / [(2² + 2²) - 4] = (3.69 - 2.29) / 4 = 0.35."""
    clusters = np.array([0, 0, 1, 1])
    scale = np.ones(4)
    assert exchangeable_correlation(np.array([1.0, 1.0, -1.0, -1.0]), scale, clusters) == 1.0
    assert exchangeable_correlation(np.array([1.0, -1.0, 1.0, -1.0]), scale, clusters) == 0.0
    e = np.array([1.0, 0.5, 1.0, 0.2])
    assert exchangeable_correlation(e, scale, clusters) == pytest.approx(0.35)
    assert exchangeable_correlation(e, scale, np.arange(4)) == 0.0  # no pairs


def test_treated_noise_total_by_hand():
    """Variances 1, 4, 9 (scales 1, 2, 3), the first two in one cluster, ρ = 0.5: 14 plus
    ρ times the cross pairs 2·1·2 = 4: 16; without clusters 14."""
    variance = np.array([1.0, 4.0, 9.0])
    assert treated_noise_total(variance, np.array([0, 0, 1]), 0.5) == pytest.approx(16.0)
    assert treated_noise_total(variance, None, 0.5) == pytest.approx(14.0)


def test_untreated_scale_residual_by_hand():
    """y = 10, g1 = 8, g0 = 2: residual 2 brought to the untreated level, 2·sqrt(2/8) = 1; a
    negative outcome or a non-positive prediction leaves the residual as it is, and says so."""
    g0, g1 = np.array([[2.0, 2.0]]), np.array([[8.0, 8.0]])
    scaled, done = untreated_scale_residual(np.array([10.0]), g0, g1)
    assert done and scaled.tolist() == [[1.0, 1.0]]
    raw, done = untreated_scale_residual(np.array([-1.0]), g0, g1)
    assert not done and raw.tolist() == [[-9.0, -9.0]]
    raw, done = untreated_scale_residual(np.array([10.0]), np.array([[0.0, 2.0]]), g1)
    assert not done and raw.tolist() == [[2.0, 2.0]]


def test_variance_with_own_part_by_hand():
    """Influence (1, 2, -1), the first unit the treated own part, clusters {0, 1} and {2}, one
    pseudo-unit 2: the population sum (1 + 2)² + 1 = 10 loses the own square 1 (its cross term
    2·1·2 with the comparison unit of its cluster stays) and gains the pseudo-unit's 4: 13 / 3².
    Where the kept cross term would make it too small (influence
    (3, -2), own (3, 0), one cluster, pseudo 0.5: 1 - 9 + 0.25 < 0) it is floored at
    (0.5 - 2)² = 2.25, over 2²."""
    clusters = np.array([0, 0, 1])
    influence, own = np.array([1.0, 2.0, -1.0]), np.array([1.0, 0.0, 0.0])
    assert variance_of_mean(influence, clusters, np.array([2.0]), own) == pytest.approx(13 / 9)
    assert variance_of_mean(influence, clusters) == pytest.approx(10 / 9)
    floored = variance_of_mean(
        np.array([3.0, -2.0]), np.array([0, 0]), np.array([0.5]), np.array([3.0, 0.0])
    )
    assert floored == pytest.approx(2.25 / 4)


def test_unknown_variance_is_refused():
    frame, _ = varied_world(0, n=200)
    with pytest.raises(ValueError, match="variance must be one of"):
        fit(frame, 0, variance="robust")
