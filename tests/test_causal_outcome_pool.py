"""`att_dml(outcome_pool=...)`: untreated units outside the sample train the untreated-outcome
model only. The synthetic world has what the note level has: treated units crowd where the
sample has few untreated ones (high x1), and units that could never be treated cover that
region. Tolerances are stated at each test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import KNeighborsRegressor

from redcat.causal import att_dml, sensitivity_to_hidden_confounder
from redcat.causal._outcome_pool import pooled_untreated_predictions

FAST = {"n_estimators": 200, "learning_rate": 0.05, "min_child_samples": 20}


def pool_world(seed: int, n: int = 1500, n_pool: int = 4000):
    """Sample: treatment likely at high x1, untreated outcome 10·exp(0.8 x1) + x2, treatment
    takes 30% of it less 3; clusters m in 0-299. Pool: untreated units spread over x1 (more of
    them high), clusters 200-599 (a third shared with the sample). Returns sample, pool and
    the true ATT over the sample's treated units."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    d = rng.binomial(1, 1 / (1 + np.exp(-(2.5 * x1 - 1.5))))
    mean0 = 10 * np.exp(0.8 * x1) + x2
    tau = -0.3 * mean0 + 3
    y = mean0 + tau * d + rng.normal(size=n)
    sample = pd.DataFrame({"x1": x1, "x2": x2, "d": d, "y": y, "m": rng.integers(0, 300, n)})
    px1, px2 = rng.normal(0.5, 1.3, n_pool), rng.normal(size=n_pool)
    pool = pd.DataFrame(
        {
            "x1": px1,
            "x2": px2,
            "y": 10 * np.exp(0.8 * px1) + px2 + rng.normal(size=n_pool),
            "m": rng.integers(200, 600, n_pool),
        }
    )
    return sample, pool, float(tau[d == 1].mean())


def fit(sample: pd.DataFrame, seed: int, **options):
    kwargs = dict(n_folds=3, n_rep=1, seed=seed, learner_params=FAST, cluster="m")
    return att_dml(sample, "y", "d", ["x1", "x2"], **kwargs, **options)


@pytest.mark.parametrize("seed", [0, 3])
def test_an_outcome_pool_keeps_the_att_right_and_tightens_it(seed):
    """With the pool the estimate is within 3 SE of the true ATT, its SE under a third of the
    sample-only fit's and the outcome model's RMSE under 0.75 of it (measured, seeds 0 and 3:
    -3.89 vs truth -4.11 and -4.37 vs -4.25; SE 0.30 vs 3.05 and 0.25 vs 2.38; RMSE 1.08 vs
    1.77 and 1.03 vs 1.79)."""
    sample, pool, att = pool_world(seed)
    plain = fit(sample, seed)
    pooled = fit(sample, seed, outcome_pool=pool)
    assert abs(pooled.estimate - att) < 3 * pooled.se
    assert pooled.se < plain.se / 3
    rmse = lambda r: r.diagnostics["nuisance_rmse"]["ml_g0"][0]  # noqa: E731
    assert rmse(pooled) < 0.75 * rmse(plain)
    assert pooled.diagnostics["n_outcome_pool"] == len(pool)
    assert pooled.n == len(sample)  # the pool is not part of the sample
    assert f"outcome pool of {len(pool):,}" in pooled.method and "pool" not in plain.method
    # The same seed gives the same numbers, however many threads fit the pool's folds.
    again = fit(sample, seed, outcome_pool=pool, pool_threads=2)
    assert again.estimate == pooled.estimate and again.se == pooled.se


def test_pool_units_of_a_held_out_cluster_do_not_inform_its_predictions():
    """A 1-nearest-neighbour g0 would copy a pool unit's outcome; the pool unit that shares the
    held-out unit's covariates *and* cluster (y = 1000) must not be copied, the one of another
    cluster (y = 7) may."""
    x = np.array([[0.0], [5.0], [6.0], [7.0]])
    y = np.array([1.0, 2.0, 3.0, 4.0])
    d = np.zeros(4, dtype=int)
    clusters = np.array([0, 1, 2, 3])
    folds = [[(np.array([1, 2, 3]), np.array([0])), (np.array([0]), np.array([1, 2, 3]))]]
    x_pool = np.array([[0.0], [0.001]])
    y_pool = np.array([1000.0, 7.0])
    g0 = pooled_untreated_predictions(
        KNeighborsRegressor(n_neighbors=1),
        x, y, d, folds, x_pool, y_pool,
        clusters=clusters, pool_clusters=np.array([0, 9]),
    )  # fmt: skip
    assert g0[0, 0] == 7.0
    # Without clusters nothing is held out of the pool: its nearest unit is copied.
    g0 = pooled_untreated_predictions(
        KNeighborsRegressor(n_neighbors=1), x, y, d, folds, x_pool, y_pool
    )
    assert g0[0, 0] == 1000.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.drop(columns="x2"), "outcome_pool covariate column"),
        (lambda p: p.drop(columns="y"), "outcome_pool outcome column"),
        (lambda p: p.assign(y=p["y"].astype(str)), "outcome_pool outcome column 'y' must be"),
        (lambda p: p.assign(m=p["m"].where(p.index > 0)), "cluster column 'm' has missing"),
        (lambda p: p.assign(d=(p.index < 3).astype(int)), "untreated units only"),
    ],
)
def test_a_bad_outcome_pool_is_refused_before_fitting(change, message):
    sample, pool, _ = pool_world(0, n=200, n_pool=200)
    with pytest.raises(ValueError, match=message):
        fit(sample, 0, outcome_pool=change(pool))


def test_sensitivity_benchmarks_refuse_a_pooled_fit_but_bounds_work():
    sample, pool, _ = pool_world(0, n=800, n_pool=1000)
    pooled = fit(sample, 0, outcome_pool=pool)
    bounds = sensitivity_to_hidden_confounder(pooled)
    assert bounds.ci_low < pooled.estimate < bounds.ci_high
    with pytest.raises(ValueError, match="outcome_pool"):
        sensitivity_to_hidden_confounder(pooled, benchmark_covariates=["x2"])


@pytest.mark.parametrize("threads", [0, 1.5, True])
def test_pool_threads_must_be_a_positive_whole_number(threads):
    sample, pool, _ = pool_world(0, n=200, n_pool=200)
    with pytest.raises(ValueError, match="pool_threads"):
        fit(sample, 0, outcome_pool=pool, pool_threads=threads)
