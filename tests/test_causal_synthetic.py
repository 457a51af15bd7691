"""Synthetic worlds with known answers: each estimator recovers the truth where its design
holds, and the naive alternative it replaces does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redcat.causal import att_dml, att_dml_ratio, rdd, rdd_global_polynomial, staggered_did

FAST = {"n_estimators": 200, "learning_rate": 0.05, "min_child_samples": 20}


# --- ATT with heterogeneous effects: ATT ≠ ATE ≠ PLR ------------------------------------------


def heterogeneous_world(seed: int, n: int = 3000):
    """Units likely to be treated (high x1) also gain most: ATT ≈ 1.9, ATE ≈ 1.0."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    d = rng.binomial(1, 1 / (1 + np.exp(-1.2 * x1)))
    tau = 1 + 2 * x1
    y = x1 + 0.5 * x2**2 + tau * d + rng.normal(size=n)
    df = pd.DataFrame({"x1": x1, "x2": x2, "d": d, "y": y})
    return df, float(tau[d == 1].mean()), float(tau.mean())


def test_att_dml_recovers_the_att_where_plr_answers_another_question():
    import doubleml as dml
    from lightgbm import LGBMRegressor

    df, att, ate = heterogeneous_world(0)
    result = att_dml(df, "y", "d", ["x1", "x2"], n_folds=3, n_rep=1, learner_params=FAST)
    assert abs(result.estimate - att) < 3 * result.se
    assert result.ci_low <= att <= result.ci_high

    # The partially linear coefficient weights units by var(d|x): near the ATE here, not the ATT.
    plr = dml.DoubleMLPLR(
        dml.DoubleMLData(df, "y", "d", ["x1", "x2"]),
        LGBMRegressor(verbose=-1, n_jobs=1, **FAST),
        LGBMRegressor(verbose=-1, n_jobs=1, **FAST),
        n_folds=3,
    )
    np.random.seed(0)
    plr.fit()
    assert abs(plr.coef[0] - att) > 0.5 and abs(plr.coef[0] - ate) < 0.3
    # The naive difference is confounded upwards by x1.
    assert result.diagnostics["naive_difference"]["estimate"] - att > 0.5


# --- Staggered adoption with dynamic, heterogeneous effects -------------------------------------


def staggered_world(seed: int, n_units: int = 400, n_periods: int = 10, pretrend: float = 0.0):
    """Cohorts start in periods 4, 6 and 8 (a quarter never treated). Effects grow with time
    since treatment and are largest for the earliest cohort, so TWFE's forbidden comparisons
    (early-treated units as controls) bias it. Period 7 is a festival every unit shares."""
    rng = np.random.default_rng(seed)
    cohort = rng.choice([0, 4, 6, 8], size=n_units)
    slope = {0: 0.0, 4: 2.0, 6: 1.0, 8: 0.5}
    unit_level = rng.normal(50, 5, n_units)
    time_level = np.linspace(0, 3, n_periods) + np.where(np.arange(1, n_periods + 1) == 7, 4, 0)
    rows = []
    for i in range(n_units):
        g = cohort[i]
        for t in range(1, n_periods + 1):
            post = g > 0 and t >= g
            tau = slope[g] * (t - g + 1) if post else 0.0
            drift = pretrend * t if g > 0 else 0.0
            y0 = unit_level[i] + time_level[t - 1] + drift + rng.normal()
            rows.append((i, t, g if g else np.nan, y0 + tau, tau, y0, float(t == 7), post))
    df = pd.DataFrame(rows, columns=["unit", "t", "first", "y", "tau", "y0", "festival", "post"])
    post = df[df["post"]]
    return df, float(post["tau"].mean()), float(100 * post["tau"].sum() / post["y0"].sum())


def test_cs_recovers_a_dynamic_effect_where_twfe_is_biased():
    df, truth, truth_pct = staggered_world(0)
    result = staggered_did(df, "unit", "t", "y", "first", calendar_effects=["festival"])
    assert abs(result.estimate - truth) < 3 * result.se
    twfe = result.diagnostics["twfe"]
    assert not (twfe["ci_low"] <= truth <= twfe["ci_high"])
    assert abs(twfe["estimate"] - truth) > 10 * result.se
    # Parallel trends hold: the pre-trend test does not reject.
    assert result.diagnostics["pretrend_p_value"] > 0.01
    # The festival is common to all units: it is absorbed, and the effect is estimated on both.
    festival = result.diagnostics["calendar_effects"]["festival"]
    assert festival["n_periods_on"] == 1 and np.isfinite(festival["on"]["estimate"])
    # Event study: each post period recovers its own average effect.
    table = pd.DataFrame(result.diagnostics["event_study"]).set_index("rel_period")
    assert {-1, 0, 1} <= set(table.index)
    true_e0 = df[df["post"] & (df["t"] == df["first"])]["tau"].mean()
    assert abs(table.loc[0, "estimate"] - true_e0) < 3 * table.loc[0, "se"]

    relative = staggered_did(df, "unit", "t", "y", "first", relative=True)
    assert abs(relative.estimate - truth_pct) < 3 * relative.se


def test_pretrend_test_rejects_diverging_trends():
    df, _, _ = staggered_world(1, pretrend=0.3)
    result = staggered_did(df, "unit", "t", "y", "first", base_period="universal")
    assert result.diagnostics["pretrend_p_value"] < 0.01


def dated_world(seed: int, n_units: int = 600, n_days: int = 120):
    """A daily merchant panel with enrolment on any day, a 618 festival lifting everyone's GMV
    by half, and an effect of −5% growing with exposure. Truth is per treated merchant-day."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-04-15", periods=n_days, freq="D")
    size = rng.lognormal(8, 0.3, n_units)
    first = np.where(rng.random(n_units) < 0.4, rng.integers(30, n_days - 10, n_units), -1)
    unit, day = np.repeat(np.arange(n_units), n_days), np.tile(np.arange(n_days), n_units)
    festival = ((dates >= "2025-06-01") & (dates <= "2025-06-18")).astype(float)
    base = size[unit] * (1 + 0.002 * day) * (1 + 0.5 * festival[day])
    post = (first[unit] >= 0) & (day >= first[unit])
    effect = np.where(post, -0.05 * (1 + (day - first[unit]) / 30), 0.0)
    noise = rng.lognormal(0, 0.3, len(unit))
    panel = pd.DataFrame(
        {
            "merchant": unit,
            "date": dates[day],
            "gmv": base * (1 + effect) * noise,
            "festival": festival[day],
            "enrolled": pd.Series(dates[np.clip(first, 0, None)]).where(first >= 0)[unit].values,
        }
    )
    truth = float(np.mean((base * effect * noise)[post]))
    truth_pct = float(100 * np.sum((base * effect * noise)[post]) / np.sum((base * noise)[post]))
    return panel, truth, truth_pct


def test_weekly_cs_recovers_the_per_day_effect_on_a_daily_panel():
    panel, truth, truth_pct = dated_world(0)
    result = staggered_did(panel, "merchant", "date", "gmv", "enrolled", relative=True,
                           calendar_effects=["festival"])  # fmt: skip
    assert result.diagnostics["period"] == "week"
    levels = result.diagnostics["att_levels"]
    assert abs(levels["estimate"] - truth) < 3 * levels["se"]
    assert abs(result.estimate - truth_pct) < 3 * result.se
    assert result.ci_low <= truth_pct <= result.ci_high


# --- Regression discontinuity ------------------------------------------------------------------


def rd_world(seed: int, n: int = 4000, fuzzy: bool = False, manipulate: bool = False):
    """Outcome curves upward above the cutoff only (continuous at it): a global line per side
    misreads the curvature as a jump of about −0.25; the true jump is +0.4."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    if manipulate:  # most units just below the cutoff push themselves just above it
        movers = (x > -0.1) & (x < 0) & (rng.random(n) < 0.7)
        x[movers] = -x[movers]
    above = (x >= 0).astype(float)
    d = rng.binomial(1, 0.2 + 0.6 * above) if fuzzy else above.astype(int)
    y = 0.5 + 0.8 * x + 1.5 * x**2 * above + 0.4 * d + rng.normal(0, 0.3, n)
    return pd.DataFrame({"x": x, "d": d, "y": y})


def test_sharp_rdd_recovers_the_jump_and_the_global_line_does_not():
    df = rd_world(0)
    local = rdd(df, "y", "x", 0.0)
    assert local.ci_low <= 0.4 <= local.ci_high
    assert abs(local.estimate - 0.4) < 3 * local.se
    assert local.diagnostics["density_test"]["manipulation_warning"] is None
    global_line = rdd_global_polynomial(df, "y", "x", 0.0, order=1)
    assert not (global_line.ci_low <= 0.4 <= global_line.ci_high)
    assert global_line.estimate == pytest.approx(0.4 - 0.25, abs=0.05)


def test_fuzzy_rdd_recovers_the_effect_of_take_up():
    df = rd_world(1, n=6000, fuzzy=True)
    result = rdd(df, "y", "x", 0.0, treatment="d")
    assert result.diagnostics["design"] == "fuzzy"
    assert result.ci_low <= 0.4 <= result.ci_high
    first_stage = result.diagnostics["first_stage"]
    assert first_stage["ci_robust"][0] <= 0.6 <= first_stage["ci_robust"][1]
    assert first_stage["weak_warning"] is None


def test_density_test_flags_manipulation():
    result = rdd(rd_world(2, manipulate=True), "y", "x", 0.0)
    assert result.diagnostics["density_p_value"] < 0.05
    assert result.diagnostics["density_test"]["manipulation_warning"]


# --- Cannibalization ratio: interval coverage ---------------------------------------------------


def ratio_world(seed: int, n: int = 1500) -> pd.DataFrame:
    """Every treated unit loses 0.3 of in-app GMV per unit of extra off-site GMV: ratio 0.3."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    d = rng.binomial(1, 1 / (1 + np.exp(-(0.8 * x1 - 0.5))))
    quality = np.exp(0.5 * x1 + 0.3 * x2)
    offsite = 2 * quality + d * quality + rng.normal(size=n)
    inapp = 3 * quality - d * 0.3 * quality + rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "d": d, "inapp": inapp, "offsite": offsite})


@pytest.mark.slow
def test_ratio_interval_covers_the_truth_across_seeds():
    """10 seeds: with 95% intervals, ≥ 8 covering has probability ≈ 0.99 if coverage is right."""
    results = [
        att_dml_ratio(
            ratio_world(seed),
            "inapp",
            "offsite",
            "d",
            ["x1", "x2"],
            n_folds=3,
            n_rep=1,
            seed=seed,
            learner_params=FAST,
        )  # fmt: skip
        for seed in range(10)
    ]
    covered = sum(r.ci_low <= 0.3 <= r.ci_high for r in results)
    assert covered >= 8
    estimates = np.array([r.estimate for r in results])
    ses = np.array([r.se for r in results])
    assert abs(estimates.mean() - 0.3) < 2 * ses.mean() / np.sqrt(len(results)) + 0.02
    # The SE is honest: it matches the spread of the estimates across seeds (within 2x).
    assert 0.5 < estimates.std(ddof=1) / ses.mean() < 2
