"""`att_dml(variance="sample")`: the variance of the ATT over the treated units in hand.

Synthetic worlds where the truth is that sample average (the mean of each treated unit's own
effect, as in the simulator's truth.json). Tolerances are stated at each test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redcat.causal import att_dml, att_dml_ratio, ratio_of_effects
from redcat.causal._sample_variance import sample_att_influence

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
    """Constant effect: the sample-ATT SE is within 20% of the population SE (measured 1.01
    and 1.03 times it, without and with clusters) and the estimate is the same."""
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
    sample-ATT SEs spread 0.75-1.3 (measured 0.98) and 95% intervals cover 17-20 of 20
    (measured 19); in population SEs they spread under 0.6 (measured 0.48)."""
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
    count either: the two SEs agree within 30% (measured 0.0197 vs 0.0190), while each
    effect's own SE shrinks by more than 40% (measured 0.085 vs 0.174 for y). Mixing variances
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


def test_sample_att_influence_by_hand():
    """Two comparison units with odds 1 and 3 (propensities 0.5 and 0.75), residuals 2 and -1,
    two treated units, no clusters: V = [(1·2)² + (3·-1)² + 1·2² + 3·(-1)²] / 2² = 5."""
    y = np.array([2.0, -1.0, 10.0, 11.0])
    d = np.array([0, 0, 1, 1])
    g0 = np.zeros((4, 1))
    m = np.array([[0.5], [0.75], [0.9], [0.9]])
    values, pseudo, k = sample_att_influence(y, d, g0, m, np.ones((4, 1)), 0.01)
    n = len(y)
    variance = (np.sum(values[:, 0] ** 2) + np.sum(pseudo[:, 0] ** 2)) / n**2
    assert variance == pytest.approx(5.0)
    assert k[0] == 1.0 and np.all(values[2:, 0] == 0)


def test_unknown_variance_is_refused():
    frame, _ = varied_world(0, n=200)
    with pytest.raises(ValueError, match="variance must be one of"):
        fit(frame, 0, variance="robust")
