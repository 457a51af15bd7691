"""staggered_did, twfe_did and event_study: California's organ-donation change (published
answers), panel coding rules and input validation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from redcat.causal import event_study, staggered_did, twfe_did


@pytest.fixture(scope="module")
def organ() -> pd.DataFrame:
    """27 states × 6 quarters (Quarter_Num 1 = Q4 2010 … 6 = Q1 2012). California's
    active-choice rule took effect in July 2011: first treated quarter Q3 2011 = Quarter_Num 4."""
    causaldata = pytest.importorskip("causaldata")
    df = causaldata.organ_donations.load_pandas().data
    assert df.loc[df["Quarter_Num"] == 4, "Quarter"].unique().tolist() == ["Q32011"]
    return df.assign(first=np.where(df["State"] == "California", 4, np.nan))


# --- Real data: organ donations -------------------------------------------------------------

TOL = 5e-4  # the published figures are rounded to 4 decimals


def test_organ_donations_twfe_is_minus_0_0225(organ):
    result = twfe_did(organ, "State", "Quarter_Num", "Rate", "first")
    assert result.estimate == pytest.approx(-0.0225, abs=TOL)
    assert result.ci_high < 0
    assert result.n == 27


@pytest.mark.parametrize("base_period", ["varying", "universal"])
def test_organ_donations_cs_is_minus_0_0213_with_last_pre_period_base(organ, base_period):
    """−0.0213 is CS with its single cohort: each post quarter compared with Q2 2011 (the last
    pre-period), then averaged. Post-period cells use that base under both base-period
    options, so both give it; the TWFE's −0.0225 instead uses all pre-periods as the base."""
    result = staggered_did(
        organ, "State", "Quarter_Num", "Rate", "first",
        min_cohort_size=1, base_period=base_period,
    )  # fmt: skip
    assert result.estimate == pytest.approx(-0.0213, abs=TOL)
    assert result.diagnostics["twfe"]["estimate"] == pytest.approx(-0.0225, abs=TOL)
    assert result.diagnostics["cohort_sizes"] == {"4": 1}
    table = pd.DataFrame(result.diagnostics["event_study"])
    post = table[table["kind"] == "post"]
    assert post["estimate"].mean() == pytest.approx(result.estimate, abs=1e-12)
    assert 0 <= result.diagnostics["pretrend_p_value"] <= 1
    json.dumps(result.to_dict(), allow_nan=False)


def test_organ_donations_universal_event_study_equals_twfe_event_study(organ):
    """With one cohort, CS's universal-base event study is the TWFE event study with the last
    pre-period as reference: same coefficients."""
    table = event_study(
        organ, "State", "Quarter_Num", "Rate", "first",
        method="both", min_cohort_size=1, base_period="universal",
    )  # fmt: skip
    cs = table[table["method"] == "cs"].set_index("rel_period")["estimate"]
    twfe = table[table["method"] == "twfe"].set_index("rel_period")["estimate"]
    assert list(cs.index) == [-3, -2, -1, 0, 1, 2]
    np.testing.assert_allclose(cs.to_numpy(), twfe.loc[cs.index].to_numpy(), atol=1e-10)
    assert table.loc[table["rel_period"] == -1, "reference"].all()


def test_organ_donations_relative_effect(organ):
    result = staggered_did(organ, "State", "Quarter_Num", "Rate", "first", min_cohort_size=1,
                           relative=True)  # fmt: skip
    levels = result.diagnostics["att_levels"]["estimate"]
    counterfactual = result.diagnostics["counterfactual_mean"]
    assert result.estimate == pytest.approx(100 * levels / counterfactual)
    assert result.ci_low < result.estimate < result.ci_high < 0
    assert "relative change" in result.method


# --- Panel coding -----------------------------------------------------------------------------


def dated_panel(n_units: int = 60, n_days: int = 42, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-05-01", periods=n_days, freq="D")
    starts = {0: pd.NaT, 1: dates[14], 2: dates[24]}
    group = rng.integers(0, 3, n_units)
    rows = []
    for u in range(n_units):
        first = starts[int(group[u])]
        for day in dates:
            treated = first is not pd.NaT and day >= first
            rows.append(
                {
                    "merchant": f"m{u:03d}",
                    "date": day,
                    "gmv": 100 + u + rng.normal() - 5 * treated,
                    "enrolled": first,
                    "festival": float(day >= dates[30]),
                    "size": float(u % 5),
                    "region": "north" if u % 2 else "south",
                }
            )
    return pd.DataFrame(rows)


def test_dates_default_to_weeks_and_recover_a_constant_effect():
    panel = dated_panel()
    result = staggered_did(panel, "merchant", "date", "gmv", "enrolled",
                           calendar_effects=["festival"], covariates=["size"])  # fmt: skip
    notes = result.diagnostics
    assert notes["period"] == "week" and notes["time_unit"] == "weekly"
    assert notes["n_periods"] == 6
    assert set(notes["cohort_sizes"]) == {"2025-05-15", "2025-05-22"}
    # Per treated day, despite the partly treated first week.
    assert result.estimate == pytest.approx(-5, abs=4 * result.se)
    assert notes["treated_day_share"] < 1
    assert set(notes["calendar_effects"]["festival"]) == {"n_periods_on", "on", "off"}
    daily = staggered_did(panel, "merchant", "date", "gmv", "enrolled", period="day")
    assert daily.diagnostics["n_periods"] == 42
    assert daily.estimate == pytest.approx(-5, abs=4 * daily.se)


def test_small_cohorts_are_dropped_and_reported():
    panel = dated_panel()
    lone = panel["merchant"] == "m000"
    panel.loc[lone, "enrolled"] = panel["date"].iloc[35]
    result = staggered_did(panel, "merchant", "date", "gmv", "enrolled", period="day")
    assert result.diagnostics["dropped_small_cohort_units"] == 1
    assert result.n == 59


def test_cluster_coarser_than_unit():
    panel = dated_panel()
    by_unit = staggered_did(panel, "merchant", "date", "gmv", "enrolled")
    by_region = staggered_did(panel, "merchant", "date", "gmv", "enrolled", cluster="region")
    assert by_unit.estimate == pytest.approx(by_region.estimate)
    assert by_unit.se != by_region.se
    assert "clustered by region" in by_region.method


def test_influence_function_se_matches_csdid(organ):
    """Our SE from csdid's influence function equals csdid's own analytic SE (no clustering
    beyond the unit)."""
    from csdid.att_gt import ATTgt

    result = staggered_did(organ, "State", "Quarter_Num", "Rate", "first", min_cohort_size=1)
    data = organ.assign(
        g=np.where(organ["State"] == "California", 4, 0),
        sid=organ["State"].astype("category").cat.codes + 1,
    )
    with pytest.warns(UserWarning):
        fit = ATTgt(yname="Rate", tname="Quarter_Num", idname="sid", gname="g", data=data,
                    control_group="notyettreated").fit(est_method="dr", bstrap=False)  # fmt: skip
        fit.aggte(typec="simple")
    assert result.se == pytest.approx(fit.atte["overall_se"], rel=1e-8)


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.drop(columns="gmv"), "outcome column"),
        (lambda p: p.assign(gmv=p["gmv"].astype(str)), "'gmv' must be numeric"),
        (lambda p: pd.concat([p, p.iloc[:1]]), "duplicate"),
        (lambda p: p.iloc[1:], "unbalanced"),
        (lambda p: p.assign(enrolled=pd.NaT), "no treated units"),
        (lambda p: p.assign(festival=p["merchant"].eq("m000") * 1.0), "calendar effect 'festiv"),
        (
            lambda p: p.assign(enrolled=p["enrolled"].where(p["date"] != p["date"].iloc[0])),
            "varies within unit",
        ),
    ],
)
def test_staggered_did_rejects_bad_inputs(change, message):
    with pytest.raises(ValueError, match=message):
        staggered_did(change(dated_panel(n_units=30)), "merchant", "date", "gmv", "enrolled",
                      calendar_effects=["festival"], period="day")  # fmt: skip


def test_staggered_did_rejects_bad_options():
    panel = dated_panel(n_units=30)
    args = (panel, "merchant", "date", "gmv", "enrolled")
    with pytest.raises(ValueError, match="control_group"):
        staggered_did(*args, control_group="everyone")
    with pytest.raises(ValueError, match="period"):
        staggered_did(*args, period="month")
    with pytest.raises(ValueError, match="event_window"):
        staggered_did(*args, event_window=(1, 2))
    never_none = panel.assign(enrolled=panel["enrolled"].fillna(panel["date"].iloc[20]))
    with pytest.raises(ValueError, match="nevertreated"):
        staggered_did(never_none, "merchant", "date", "gmv", "enrolled",
                      control_group="nevertreated")  # fmt: skip


def test_library_warnings_stay_inside(organ):
    """csdid, pyfixest and pandas 3 warn and print; none of it may reach the caller."""
    import contextlib
    import io
    import warnings

    printed = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.simplefilter("error")
        result = staggered_did(organ, "State", "Quarter_Num", "Rate", "first", min_cohort_size=1)
    assert printed.getvalue() == ""
    assert any("small groups" in m for m in result.diagnostics["library_warnings"])


def test_categorical_and_constant_covariates():
    panel = dated_panel().assign(constant=1.0)
    result = staggered_did(panel, "merchant", "date", "gmv", "enrolled",
                           covariates=["region", "size", "constant"])  # fmt: skip
    assert result.diagnostics["n_nan_cells"] == 0
    assert result.estimate == pytest.approx(-5, abs=4 * result.se)


# --- Weights: the ratio of totals vs the equal-unit mean -----------------------------------


def sized_panel(seed: int = 0, n_units: int = 120, n_periods: int = 12) -> pd.DataFrame:
    """Units of very different size b; outcome b·(1 + season_t)·(1 + τ_i·treated)·noise with
    τ = −20% for the largest third and −5% otherwise; relative outcome y / b."""
    rng = np.random.default_rng(seed)
    b = np.exp(rng.normal(0, 1, n_units))
    tau = np.where(b > np.quantile(b, 2 / 3), -0.20, -0.05)
    first = np.where(np.arange(n_units) % 3 == 0, np.nan, 5 + np.arange(n_units) % 3 * 2)
    rows = []
    season = 0.3 * np.sin(np.arange(1, n_periods + 1))
    for i in range(n_units):
        for t in range(1, n_periods + 1):
            treated = not np.isnan(first[i]) and t >= first[i]
            y0 = b[i] * (1 + season[t - 1]) * np.exp(rng.normal(0, 0.05))
            y = y0 * (1 + tau[i] * treated)
            rows.append((i, t, y, y0, first[i], b[i], treated))
    df = pd.DataFrame(rows, columns=["unit", "t", "y", "y0", "first", "b", "treated"])
    return df.assign(rel=df["y"] / df["b"])


def test_weights_by_size_give_the_ratio_of_totals_and_none_the_unit_mean():
    """Tolerance ±1.5 points (SEs about 0.5): weighted by b, the relative effect is
    Σ(Y1 − Y0)/ΣY0 over treated periods (big units' −20% dominates); unweighted, the mean of
    units' own relative changes (nearer −10%)."""
    df = sized_panel()
    post = df["treated"]
    totals = 100 * (df.loc[post, "y"].sum() / df.loc[post, "y0"].sum() - 1)
    unit_pct = 100 * (
        df[post].groupby("unit")["y"].sum() / df[post].groupby("unit")["y0"].sum() - 1
    )
    weighted = staggered_did(
        df, "unit", "t", "rel", "first", relative=True, weights="b", min_cohort_size=1
    )
    plain = staggered_did(df, "unit", "t", "rel", "first", relative=True, min_cohort_size=1)
    assert totals < unit_pct.mean() - 3  # the two estimands differ here
    assert weighted.estimate == pytest.approx(totals, abs=1.5)
    assert plain.estimate == pytest.approx(unit_pct.mean(), abs=1.5)
    assert "weighted by 'b'" in weighted.method and "ratio of totals" in weighted.method
    assert weighted.ci_low < totals < weighted.ci_high


def test_weights_must_be_positive_and_one_per_unit():
    df = sized_panel(n_units=30)
    with pytest.raises(ValueError, match="weights column 'b' varies within a unit"):
        staggered_did(df.assign(b=df["b"] * df["t"]), "unit", "t", "rel", "first", weights="b")
    with pytest.raises(ValueError, match="weights column 'b' must be positive"):
        staggered_did(df.assign(b=df["b"] - 10), "unit", "t", "rel", "first", weights="b")


def test_pretrend_test_uses_the_nearest_pre_periods_and_holds_its_size():
    """Parallel trends hold in these panels: over 20 of them the F test on the 4 nearest
    pre-periods rejects at 5% at most 3 times (binomial(20, 0.05): P(>3) ≈ 1.6%)."""
    rejections = 0
    for seed in range(20):
        result = staggered_did(
            sized_panel(seed, n_units=60), "unit", "t", "rel", "first",
            base_period="universal", min_cohort_size=1,
        )  # fmt: skip
        pretrend = result.diagnostics["pretrend"]
        if seed == 0:  # universal base: -1 is the reference, not tested
            assert pretrend["periods_tested"] == [-5, -4, -3, -2]
        assert pretrend["df_denominator"] == 59
        rejections += pretrend["p_value"] < 0.05
    assert rejections <= 3
