"""rdd and rdd_global_polynomial: the government-transfers data (published answers) and input
validation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from redcat.causal import rdd, rdd_global_polynomial


@pytest.fixture(scope="module")
def transfers() -> pd.DataFrame:
    """Households just below the income cutoff (Income_Centered < 0) get the transfer."""
    causaldata = pytest.importorskip("causaldata")
    return causaldata.gov_transfers.load_pandas().data


def test_gov_transfers_local_robust_estimate(transfers):
    """Published: local estimate ≈ −0.025, robust interval ≈ [−0.19, 0.10]. Tolerances: the
    point estimate to ±0.002 (published to 3 decimals), each interval end to ±0.01."""
    result = rdd(transfers, "Support", "Income_Centered", 0, treated_side="below")
    assert result.estimate == pytest.approx(-0.025, abs=0.002)
    assert result.ci_low == pytest.approx(-0.19, abs=0.01)
    assert result.ci_high == pytest.approx(0.10, abs=0.01)
    d = result.diagnostics
    assert d["design"] == "sharp"
    assert d["bandwidth_h"][0] == pytest.approx(0.0052, abs=1e-4)
    assert (d["n_effective_left"], d["n_effective_right"]) == (291, 194)
    assert result.n == 291 + 194
    assert d["density_p_value"] > 0.05 and d["density_test"]["manipulation_warning"] is None
    # Conventional estimate as the point estimate, robust bias-corrected interval around it.
    assert d["estimate_bias_corrected"] != result.estimate
    assert d["ci_robust"] == [result.ci_low, result.ci_high]
    json.dumps(result.to_dict(), allow_nan=False)


def test_gov_transfers_global_linear_fit_is_the_textbook_plus_0_10(transfers):
    """Published: a global linear fit gives ≈ +0.10 (±0.005 here), far from the local −0.025
    (see rdd_global_polynomial's docstring for why)."""
    result = rdd_global_polynomial(
        transfers, "Support", "Income_Centered", 0, order=1, treated_side="below"
    )
    assert result.estimate == pytest.approx(0.10, abs=0.005)
    assert result.n == len(transfers)
    local = rdd(transfers, "Support", "Income_Centered", 0, treated_side="below")
    # The global line finds a clearly positive jump; the local fit finds none.
    assert result.ci_low > 0 and local.ci_low < 0 < local.ci_high
    assert result.estimate - local.estimate > 0.1


def test_side_only_flips_the_sign_of_a_sharp_estimate(transfers):
    below = rdd(transfers, "Support", "Income_Centered", 0, treated_side="below")
    above = rdd(transfers, "Support", "Income_Centered", 0, treated_side="above")
    assert above.estimate == pytest.approx(-below.estimate)
    assert (above.ci_low, above.ci_high) == pytest.approx((-below.ci_high, -below.ci_low))


def test_placebo_outcomes_and_covariates(transfers):
    result = rdd(transfers, "Support", "Income_Centered", 0, treated_side="below",
                 covariates=["Age"], placebo_outcomes=["Education"])  # fmt: skip
    placebo = result.diagnostics["placebo_outcomes"]
    assert [row["outcome"] for row in placebo] == ["Education"]
    assert 0 <= placebo[0]["p_value_robust"] <= 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda df: df.drop(columns="Support"), "outcome column"),
        (lambda df: df.assign(Support=df["Support"].astype(str)), "'Support' must be numeric"),
        (lambda df: df.assign(Participation=df["Participation"] + 1), "must be 0/1"),
        (lambda df: df[df["Income_Centered"] < 0], "need at least 10 on each side"),
        (lambda df: df.assign(Income_Centered=np.nan), "missing value"),
    ],
)
def test_rdd_rejects_bad_inputs(transfers, change, message):
    with pytest.raises(ValueError, match=message):
        rdd(change(transfers), "Support", "Income_Centered", 0, treatment="Participation")


def test_rdd_rejects_bad_options(transfers):
    with pytest.raises(ValueError, match="kernel"):
        rdd(transfers, "Support", "Income_Centered", 0, kernel="gaussian")
    with pytest.raises(ValueError, match="cutoff"):
        rdd(transfers, "Support", "Income_Centered", float("nan"))
    with pytest.raises(ValueError, match="order"):
        rdd_global_polynomial(transfers, "Support", "Income_Centered", 0, order=7)


def test_library_output_stays_inside(transfers):
    """rdrobust prints a mass-points notice on these data; it must not reach the caller."""
    import contextlib
    import io
    import warnings

    printed = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.simplefilter("error")
        rdd(transfers, "Support", "Income_Centered", 0, treated_side="below")
    assert printed.getvalue() == ""


def test_clustered_rdd_with_placebo(transfers):
    df = transfers.assign(village=np.arange(len(transfers)) % 150)
    result = rdd(df, "Support", "Income_Centered", 0, treated_side="below", cluster="village",
                 placebo_outcomes=["Age"])  # fmt: skip
    plain = rdd(df, "Support", "Income_Centered", 0, treated_side="below")
    assert result.se != plain.se
    assert result.diagnostics["placebo_outcomes"][0]["outcome"] == "Age"
