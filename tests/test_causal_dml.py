"""att_dml, the effect ratio and the sensitivity analysis: real data with a published answer,
input validation, determinism and the result type."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from redcat.causal import (
    CausalResult,
    att_dml,
    att_dml_ratio,
    ratio_of_effects,
    sensitivity_to_hidden_confounder,
)

# Small, fast learners for synthetic checks; the defaults are kept for the real-data check.
FAST = {"n_estimators": 200, "learning_rate": 0.05, "min_child_samples": 20}

NSW_COVARIATES = [
    "age",
    "educ",
    "black",
    "hisp",
    "marr",
    "nodegree",
    "re74",
    "re75",
    "age2",
    "educ2",
    "re74_2",
    "re75_2",
    "u74",
    "u75",
]


@pytest.fixture(scope="module")
def nsw_cps() -> pd.DataFrame:
    """LaLonde's NSW treated men (Dehejia–Wahba sample) against the CPS comparison sample."""
    causaldata = pytest.importorskip("causaldata")
    nsw = causaldata.nsw_mixtape.load_pandas().data
    cps = causaldata.cps_mixtape.load_pandas().data
    df = pd.concat([nsw[nsw["treat"] == 1], cps], ignore_index=True)
    for col in ("age", "educ", "re74", "re75", "re78"):
        df[col] = df[col].astype(float)
    df["age2"], df["educ2"] = df["age"] ** 2, df["educ"] ** 2
    df["re74_2"], df["re75_2"] = df["re74"] ** 2, df["re75"] ** 2
    df["u74"], df["u75"] = (df["re74"] == 0).astype(int), (df["re75"] == 0).astype(int)
    return df


def simple_world(seed: int = 0, n: int = 1500, tau: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    d = rng.binomial(1, 1 / (1 + np.exp(-0.8 * x1)))
    y = x1 + 0.5 * x2 + tau * d + rng.normal(size=n)
    industry = rng.choice(["fmcg", "health", "beauty"], size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "industry": industry, "d": d, "y": y})


# --- Real data: LaLonde NSW vs CPS ------------------------------------------------------------


def test_lalonde_naive_difference_is_minus_8498(nsw_cps):
    treated = nsw_cps.loc[nsw_cps["treat"] == 1, "re78"].mean()
    control = nsw_cps.loc[nsw_cps["treat"] == 0, "re78"].mean()
    assert round(treated - control) == -8498


@pytest.mark.slow
def test_lalonde_att_dml_recovers_experimental_benchmark(nsw_cps):
    """Experimental benchmark $1,794. Tolerance ±$700: the estimate's own SE is ≈ $1,000;
    across seeds 0–5 the default 5-fold × 3-rep estimate ranged $1,568–2,105 (mean $1,816,
    SD $186), so ±$700 is over 3.5 seed-SDs, while the naive −$8,498 and the partially linear
    ≈ $940 are well outside it."""
    result = att_dml(nsw_cps, "re78", "treat", NSW_COVARIATES, seed=0)
    assert abs(result.estimate - 1794) <= 700
    assert result.ci_low <= 1794 <= result.ci_high
    assert round(result.diagnostics["naive_difference"]["estimate"]) == -8498
    assert result.n == 185 + 15992
    assert result.diagnostics["n_treated"] == 185
    # Overlap is shown: CPS controls pile up at low propensities, the treated spread out.
    overlap = result.diagnostics["overlap"]
    assert overlap["control"]["quantiles"]["q50"] < overlap["treated"]["quantiles"]["q50"]
    assert sum(overlap["treated"]["histogram_counts"]) == 185
    json.dumps(result.to_dict(), allow_nan=False)


# --- Behaviour on synthetic data --------------------------------------------------------------


def test_att_dml_is_deterministic_for_a_seed():
    import warnings

    df = simple_world()
    kwargs = dict(n_folds=3, n_rep=2, learner_params=FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DoubleML's pandas-3 warnings stay inside
        first = att_dml(df, "y", "d", ["x1", "x2"], seed=3, **kwargs)
    again = att_dml(df, "y", "d", ["x1", "x2"], seed=3, **kwargs)
    assert first.estimate == again.estimate and first.se == again.se
    state = np.random.get_state()[1].copy()
    att_dml(df, "y", "d", ["x1", "x2"], seed=4, **kwargs)
    assert np.array_equal(state, np.random.get_state()[1]), "numpy's global RNG was disturbed"


def test_att_dml_result_type_and_categoricals():
    df = simple_world()
    result = att_dml(
        df, "y", "d", ["x1", "x2", "industry"], n_folds=3, n_rep=1, learner_params=FAST
    )
    assert isinstance(result, CausalResult)
    assert result.method == "DML ATT (IRM, ATTE score, LightGBM, 3 folds × 1 reps)"
    assert result.ci_low < result.estimate < result.ci_high
    assert abs(result.estimate - 1.0) < 4 * result.se
    assert {"industry_fmcg", "industry_health", "industry_beauty"} <= set(
        result.diagnostics["design_columns"]
    )
    assert result.to_effect().keys() == {"estimate", "ci_low", "ci_high", "method", "n"}
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert "model" not in payload and payload["assumptions"]
    # The naive difference is confounded by x1 and reported beside the estimate.
    assert result.diagnostics["naive_difference"]["estimate"] > 1.5


def test_att_dml_warns_when_overlap_fails(caplog):
    rng = np.random.default_rng(1)
    n = 1500
    x = rng.normal(size=n)
    d = rng.binomial(1, 1 / (1 + np.exp(-6 * x)))  # nearly deterministic treatment
    df = pd.DataFrame({"x": x, "x2": rng.normal(size=n), "d": d, "y": x + d + rng.normal(size=n)})
    with caplog.at_level("WARNING"):
        result = att_dml(df, "y", "d", ["x", "x2"], n_folds=3, n_rep=1, learner_params=FAST)
    assert result.diagnostics["overlap_warning"]
    assert "overlap" in caplog.text or "comparable" in caplog.text


def test_att_dml_clustered():
    df = simple_world(n=1200).assign(merchant=lambda d: np.arange(len(d)) // 6)
    result = att_dml(df, "y", "d", ["x1", "x2"], n_folds=3, n_rep=1, learner_params=FAST,
                     cluster="merchant")  # fmt: skip
    assert result.diagnostics["n_clusters"] == 200
    assert "clustered by merchant" in result.method


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda df: df.drop(columns="y"), "outcome column"),
        (lambda df: df.assign(y=df["y"].astype(str)), "'y' must be numeric"),
        (lambda df: df.assign(d=df["d"] * 2), "'d' must be 0/1"),
        (lambda df: df.assign(d=1), "control rows"),
        (lambda df: df.assign(d=0), "treated rows"),
        (lambda df: df.assign(y=df["y"].where(df.index > 0)), "'y' has 1 missing"),
        (lambda df: df.drop(columns="x2"), "covariate column"),
    ],
)
def test_att_dml_rejects_bad_inputs(change, message):
    with pytest.raises(ValueError, match=message):
        att_dml(change(simple_world(n=200)), "y", "d", ["x1", "x2"], n_folds=3, n_rep=1)


def test_att_dml_rejects_bad_options():
    df = simple_world(n=200)
    with pytest.raises(ValueError, match="trim"):
        att_dml(df, "y", "d", ["x1"], trim=0.7)
    with pytest.raises(ValueError, match="symmetric"):
        att_dml(df, "y", "d", ["x1"], trim=(0.01, 0.95))
    with pytest.raises(ValueError, match="also listed as a covariate"):
        att_dml(df, "y", "d", ["x1", "y"])
    with pytest.raises(ValueError, match="n_folds"):
        att_dml(df, "y", "d", ["x1"], n_folds=1)


# --- The ratio --------------------------------------------------------------------------------


def two_outcome_world(seed: int, n: int = 2000) -> pd.DataFrame:
    """In-app loses 0.3 per unit of extra off-site GMV on every treated unit: ratio 0.3."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    d = rng.binomial(1, 1 / (1 + np.exp(-(0.8 * x1 - 0.5))))
    quality = np.exp(0.5 * x1 + 0.3 * x2)
    offsite = 2 * quality + d * quality + rng.normal(size=n)
    inapp = 3 * quality - d * 0.3 * quality + rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "d": d, "inapp": inapp, "offsite": offsite})


def test_att_dml_ratio_shares_folds_and_reports_components():
    df = two_outcome_world(0)
    ratio = att_dml_ratio(df, "inapp", "offsite", "d", ["x1", "x2"], n_folds=3, n_rep=2,
                          learner_params=FAST)  # fmt: skip
    num, den = ratio.model["numerator"], ratio.model["denominator"]
    assert num.influence.splits_key == den.influence.splits_key
    assert ratio.estimate == pytest.approx(np.median(ratio.diagnostics["per_rep_ratios"]))
    assert num.estimate < 0 < den.estimate and ratio.estimate > 0  # −in-app / off-site
    assert ratio.ci_low <= 0.3 <= ratio.ci_high
    assert ratio.diagnostics["fieller_ci"] is not None
    assert ratio.diagnostics["denominator_significant"]
    # Same units: their estimation errors are correlated, and the interval uses it.
    assert ratio.diagnostics["correlation_of_estimates"] != 0
    json.dumps(ratio.to_dict(), allow_nan=False)


def test_ratio_of_effects_refuses_different_units():
    df = two_outcome_world(1, n=600)
    kwargs = dict(n_folds=3, n_rep=1, learner_params=FAST)
    a = att_dml(df, "inapp", "d", ["x1", "x2"], **kwargs)
    b = att_dml(df.iloc[:500], "offsite", "d", ["x1", "x2"], **kwargs)
    with pytest.raises(ValueError, match="different units"):
        ratio_of_effects(a, b)
    with pytest.raises(ValueError, match="influence functions"):
        ratio_of_effects(a, CausalResult(1.0, 0.1, 0.8, 1.2, 10, "x"))


# --- Sensitivity to a hidden confounder -------------------------------------------------------


def test_sensitivity_flags_a_fragile_estimate_and_not_a_robust_one():
    kwargs = dict(n_folds=3, n_rep=1, learner_params=FAST)
    strong = att_dml(simple_world(1, n=4000, tau=0.8), "y", "d", ["x1", "x2"], **kwargs)
    weak = att_dml(simple_world(1, n=4000, tau=0.12), "y", "d", ["x1", "x2"], **kwargs)
    robust = sensitivity_to_hidden_confounder(strong)
    fragile = sensitivity_to_hidden_confounder(weak)
    assert robust.diagnostics["significant"] and not robust.diagnostics["fragile"]
    assert robust.diagnostics["rva"] > 0.1
    assert fragile.diagnostics["significant"] and fragile.diagnostics["fragile"]
    assert fragile.diagnostics["rva"] <= 0.03
    assert fragile.diagnostics["verdict"].startswith("Fragile")
    # Bounds under the benchmark confounder contain the estimate.
    low, high = robust.diagnostics["theta_bounds"]
    assert low < strong.estimate < high
    json.dumps(fragile.to_dict(), allow_nan=False)


def test_sensitivity_needs_a_dml_result():
    with pytest.raises(ValueError, match="att_dml result"):
        sensitivity_to_hidden_confounder(CausalResult(1.0, 0.1, 0.8, 1.2, 10, "x"))


def test_att_dml_ratio_checks_the_second_outcome_first():
    df = two_outcome_world(2, n=300).assign(offsite=lambda d: d["offsite"].astype(str))
    with pytest.raises(ValueError, match="'offsite' must be numeric"):
        att_dml_ratio(df, "inapp", "offsite", "d", ["x1", "x2"])
    with pytest.raises(ValueError, match="same column"):
        att_dml_ratio(df, "inapp", "inapp", "d", ["x1", "x2"])


# --- DoubleML's cluster variance, vectorized ----------------------------------------------------


def test_fast_cluster_variance_equals_doublemls_own():
    """The same variance as DoubleML's loop (to 1e-10 relative) on a clustered fit's scores,
    at every value its sensitivity search tries, and the library's function is back after."""
    import doubleml.double_ml_framework as framework
    from doubleml.utils._estimation import _var_est

    from redcat.causal._cluster_variance import fast_cluster_variance, var_est

    df = simple_world(7, n=900)
    df["merchant"] = np.random.default_rng(7).integers(0, 120, len(df)).astype(str)
    result = att_dml(df, "y", "d", ["x1", "x2"], n_folds=3, n_rep=2, cluster="merchant",
                     learner_params=FAST)  # fmt: skip
    model = result.model
    cluster_vars = model._dml_data.cluster_vars
    for rep in range(2):
        psi = model.psi[:, rep, 0]
        psi_a = model.psi_elements["psi_a"][:, rep, 0]
        for shift in (0.0, 0.7, -3.1):
            args = (
                psi + shift * psi_a,
                psi_a,
                model.smpls[rep],
                True,
                cluster_vars,
                model.smpls_cluster[rep],
                model._n_folds_per_cluster,
            )
            ours, ours_n = var_est(*args)
            theirs, theirs_n = _var_est(*args)
            assert ours_n == theirs_n
            assert np.asarray(ours) == pytest.approx(np.asarray(theirs), rel=1e-10)
    with fast_cluster_variance():
        assert framework._var_est is var_est
    assert framework._var_est is _var_est
