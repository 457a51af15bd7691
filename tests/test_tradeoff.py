"""The platform trade-off: hand-computed cases, uncertainty carried through, a known world."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from redcat.tradeoff import (
    TOTAL,
    Estimate,
    Prices,
    TradeoffInputs,
    breakeven_commission,
    compute_tradeoff,
    estimate_ad_spend_lift,
    merchant_view,
    weekly_volumes,
    wide,
)

PRICES = Prices(commission_rate=0.05, ad_revenue_per_linked_note=3.0, ad_revenue_per_ad_yuan=0.8)
EXACT = 0.0  # SE of an estimate known exactly


def _volumes(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["industry", "linked_notes", "enrolled_ad_spend", "enrolled_inapp_gmv"]
    )
    frame["enrolled_merchants"] = 1
    frame.attrs["weeks"] = 10.0
    return frame


def _inputs(volumes, inapp=(-50.0, EXACT), lift=(25.0, EXACT), by_industry=None):
    return TradeoffInputs(
        volumes=volumes,
        inapp_effect=Estimate(*inapp),
        offsite_effect=Estimate(100.0, EXACT),
        ad_lift_pct=Estimate(*lift),
        inapp_by_industry=by_industry or {},
        offsite_by_industry={},
    )


def _value(table: pd.DataFrame, component: str, scope: str = TOTAL, col: str = "estimate"):
    return float(table.loc[(table.scope == scope) & (table.component == component), col].iloc[0])


def test_hand_computed_week():
    # 10 linked notes and ¥12,500 of enrolled spend a week; in-app −¥50, off-site +¥100 per
    # note; spend +25%:
    #   in-app lost 500, commission 0.05 × 500 = 25; off-site 1,000;
    #   extra spend 12,500 × 0.25 / 1.25 = 2,500, revenue 0.8 × 2,500 = 2,000;
    #   links 3 × 10 = 30; net 30 + 2,000 − 25 = 2,005; break-even (30 + 2,000) / 500 = 4.06.
    table = compute_tradeoff(_inputs(_volumes([("fmcg", 10.0, 12_500.0, 40_000.0)])), PRICES)
    expected = {
        "linked_notes": 10.0,
        "offsite_gmv_driven": 1_000.0,
        "inapp_gmv_lost": 500.0,
        "extra_ad_spend": 2_500.0,
        "ad_from_links": 30.0,
        "ad_from_spend": 2_000.0,
        "commission_lost": 25.0,
        "net": 2_005.0,
    }
    for component, value in expected.items():
        assert _value(table, component) == pytest.approx(value, rel=1e-12)
        # exact inputs: the interval collapses onto the estimate
        assert _value(table, component, col="ci_low") == pytest.approx(value, rel=1e-12)
        assert _value(table, component, col="ci_high") == pytest.approx(value, rel=1e-12)
    assert _value(table, "net", col="p_positive") == 1.0
    assert breakeven_commission(table) == pytest.approx(4.06)
    assert list(wide(table)["scope"]) == ["fmcg", TOTAL]


def test_industries_use_their_own_effect_or_borrow_the_overall_one():
    volumes = _volumes([("fmcg", 10.0, 0.0, 0.0), ("health", 4.0, 0.0, 0.0)])
    table = compute_tradeoff(_inputs(volumes, by_industry={"fmcg": Estimate(-80.0, EXACT)}), PRICES)
    assert _value(table, "inapp_gmv_lost", "fmcg") == pytest.approx(800.0)
    assert _value(table, "inapp_gmv_lost", "health") == pytest.approx(200.0)  # overall −50
    sources = table.drop_duplicates("scope").set_index("scope")["effect_source"]
    assert (sources["fmcg"], sources["health"]) == ("industry", "overall")
    assert _value(table, "inapp_gmv_lost") == pytest.approx(14 * 50.0)  # total: overall effect


def test_uncertainty_is_carried_through():
    # Only the in-app effect is uncertain (SE 20): net = 30 + 2,000 − 0.05 × 10 × (−θ) is
    # normal with SD 0.05 × 10 × 20 = 10, so its 95% interval is 2,005 ± 19.6 and
    # P(net > 0) is 1. With a bigger commission the chance drops as the normal says.
    volumes = _volumes([("fmcg", 10.0, 12_500.0, 0.0)])
    table = compute_tradeoff(_inputs(volumes, inapp=(-50.0, 20.0)), PRICES, draws=20_000)
    assert _value(table, "net", col="ci_low") == pytest.approx(2005 - 19.6, abs=0.6)
    assert _value(table, "net", col="ci_high") == pytest.approx(2005 + 19.6, abs=0.6)
    pricey = Prices(commission_rate=1.0, ad_revenue_per_linked_note=0.0, ad_revenue_per_ad_yuan=0.0)
    # net = −10 × (−θ) = 10 θ with θ ~ N(−50, 20): P(net > 0) = P(θ > 0) = 1 − Φ(2.5)
    table = compute_tradeoff(_inputs(volumes, inapp=(-50.0, 20.0)), pricey, draws=20_000)
    assert _value(table, "net", col="p_positive") == pytest.approx(norm.sf(2.5), abs=0.003)
    # the lift's uncertainty: extra spend 12,500 × L / (1 + L), L ~ N(0.25, 0.05)
    table = compute_tradeoff(_inputs(volumes, lift=(25.0, 5.0)), PRICES, draws=20_000)
    rng = np.random.default_rng(1)
    lift = 0.25 + 0.05 * rng.standard_normal(200_000)
    ref = np.quantile(12_500 * lift / (1 + lift), [0.025, 0.975])
    assert _value(table, "extra_ad_spend", col="ci_low") == pytest.approx(ref[0], rel=0.01)
    assert _value(table, "extra_ad_spend", col="ci_high") == pytest.approx(ref[1], rel=0.01)


def test_same_seed_same_table():
    volumes = _volumes([("fmcg", 10.0, 12_500.0, 0.0)])
    a = compute_tradeoff(_inputs(volumes, inapp=(-50.0, 20.0)), PRICES, seed=3)
    b = compute_tradeoff(_inputs(volumes, inapp=(-50.0, 20.0)), PRICES, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_estimates_from_intervals_and_bad_inputs():
    est = Estimate.from_interval(10.0, 10.0 - 1.959963984540054 * 4, 10.0 + 1.959963984540054 * 4)
    assert est.se == pytest.approx(4.0)
    assert not Estimate.from_interval(0.2, -math.inf, math.inf).available
    assert not Estimate.from_effect({"estimate": None, "ci_low": None, "ci_high": None}).available
    with pytest.raises(ValueError, match="commission_rate"):
        Prices(commission_rate=1.5, ad_revenue_per_linked_note=0.0, ad_revenue_per_ad_yuan=1.0)
    with pytest.raises(ValueError, match="in-app effect was not estimated"):
        compute_tradeoff(
            _inputs(_volumes([("fmcg", 1.0, 1.0, 1.0)]), inapp=(math.nan, 1.0)), PRICES
        )


def test_merchant_view_hand_computed():
    # −10% on ¥99,000 a week observed: without links ¥110,000, so ¥11,000 lost, × 5% = ¥550.
    volumes = _volumes([("fmcg", 0.0, 0.0, 99_000.0)])
    view = merchant_view(volumes, Estimate(-10.0, EXACT), PRICES)
    assert view["estimate"] == pytest.approx(550.0)
    assert (view["ci_low"], view["ci_high"]) == (pytest.approx(550.0), pytest.approx(550.0))


@pytest.fixture(scope="module")
def world(small_world):
    from redcat.data import load_dataset

    data = load_dataset(small_world)
    as_of = pd.Timestamp(data.data_end).normalize() + pd.Timedelta(days=1, microseconds=-1)
    return data, as_of


def test_weekly_volumes_count_the_data(world):
    from redcat.config import LAUNCH_DATE
    from redcat.overview import is_linked

    data, as_of = world
    volumes = weekly_volumes(data, as_of, 72)
    weeks = volumes.attrs["weeks"]
    assert weeks == pytest.approx(((as_of.normalize() - pd.Timestamp(LAUNCH_DATE)).days + 1) / 7)
    notes = data.notes[data.notes["publish_time"] >= pd.Timestamp(LAUNCH_DATE)]
    assert volumes["linked_notes"].sum() * weeks == pytest.approx(is_linked(notes, 72, as_of).sum())
    enrolled = data.merchants["enrolled_date"].notna()
    assert volumes["enrolled_merchants"].sum() == enrolled.sum()


def test_known_world_the_answer_is_inside_the_interval(world, small_world):
    """The simulator raises enrolled merchants' ad spend by 25% (ENROLLED_SPEND_LIFT) and
    truth.json holds the true in-app effect per linked note: the true net lies in the
    interval computed from the estimated lift."""
    import json

    from redcat.simulate.merchant_daily import ENROLLED_SPEND_LIFT

    data, as_of = world
    lift = estimate_ad_spend_lift(data, as_of)
    true_lift = 100 * (ENROLLED_SPEND_LIFT - 1)
    assert lift.estimate == pytest.approx(true_lift, abs=5.0)
    assert lift.ci_low <= true_lift <= lift.ci_high
    truth = json.loads((small_world / "truth.json").read_text(encoding="utf-8"))
    true_inapp = float(truth["cannibalization.note_inapp_gmv"])
    volumes = weekly_volumes(data, as_of, 72)
    true_net = _value(
        compute_tradeoff(
            _inputs(volumes, inapp=(true_inapp, EXACT), lift=(true_lift, EXACT)), PRICES
        ),
        "net",
    )
    estimated = compute_tradeoff(
        _inputs(volumes, inapp=(true_inapp, 30.0), lift=(lift.estimate, lift.se)), PRICES
    )
    assert (
        _value(estimated, "net", col="ci_low")
        <= true_net
        <= _value(estimated, "net", col="ci_high")
    )
    assert _value(estimated, "net") == pytest.approx(true_net, rel=0.05)


def test_a_run_date_before_launch_has_no_weeks_to_weigh(world):
    data, _ = world
    with pytest.raises(ValueError, match="before links launched"):
        weekly_volumes(data, pd.Timestamp("2025-05-01 23:59"), 72)
