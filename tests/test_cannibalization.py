"""Cannibalization: the analysis frames, the choice of controls, and estimates against truth.

Three layers of checks:
- frames on small hand-made tables, where every number can be worked out by hand: who is
  linked, which orders fall in the window, what a run on `as_of` may see, which covariates
  exist before the link;
- the control-choice test on simulated worlds: it admits the early signals the simulator
  leaves untouched by links, and refuses a signal once links are made to move it;
- whole estimates on a few simulated worlds against their truth.json, with the tolerances
  stated at each test, and the naive linked-minus-other difference shown to be off.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from redcat.cannibalization import frames
from redcat.cannibalization.controls import choose_controls, engagement_shift_test
from redcat.cannibalization.reporting import estimate_reporting_delay
from redcat.cannibalization.truth import KEYS, compare_to_truth, true_value

T = pd.Timestamp
AS_OF = T("2025-07-31 23:59:59.999999")


# --- a hand-made world -----------------------------------------------------------------------
def _tables() -> SimpleNamespace:
    """Three merchants, two creators, six notes whose fate is known by construction."""
    merchants = pd.DataFrame(
        {
            "merchant_id": ["M1", "M2", "M3"],
            "industry": ["fmcg", "fmcg", "beauty"],
            "has_inapp_store": [True, True, False],
            "enterprise_account": [True, True, True],
            "pre_daily_ad_spend": [8000.0, 6000.0, 9000.0],
            "funnel_budget": [90000.0, 60000.0, 80000.0],
            "enrolled_date": [T("2025-05-19"), pd.NaT, pd.NaT],
        }
    )
    creators = pd.DataFrame(
        {"creator_id": ["C1", "C2"], "followers": [1000, 200000], "tier": ["koc", "mid"]}
    )
    notes = pd.DataFrame(
        {
            "note_id": ["N1", "N2", "N3", "N4", "N5", "N6"],
            "merchant_id": ["M1", "M1", "M1", "M1", "M2", "M1"],
            "creator_id": ["C1", "C2", "C1", "C2", "C1", "C1"],
            "publish_time": [
                T("2025-06-02 10:00"),  # linked 2 h after publishing
                T("2025-06-03 12:00"),  # never linked: a comparison note
                T("2025-06-04 09:00"),  # linked 100 h after: late, left out
                T("2025-05-10 09:00"),  # published before enrolment: cannot be linked
                T("2025-06-02 10:00"),  # merchant never enrolled
                T("2025-07-25 10:00"),  # window still open on as_of
            ],
            "format": ["image", "video", "image", "image", "image", "image"],
            "text_length": [100, 50, 80, 90, 100, 100],
            "n_images": [3, 0, 2, 4, 3, 3],
            "topic": ["x"] * 6,
            "price": [100.0, 200.0, 50.0, 80.0, 100.0, 100.0],
            "paid_collab": [True, False, False, True, False, False],
            "link_time": [
                T("2025-06-02 12:00"),
                pd.NaT,
                T("2025-06-08 13:00"),
                pd.NaT,
                pd.NaT,
                T("2025-07-25 11:00"),
            ],
        }
    )
    days = []
    for note_id, publish in zip(notes["note_id"], notes["publish_time"], strict=True):
        for age in range(5):
            days.append(
                {
                    "note_id": note_id,
                    "date": publish.normalize() + pd.Timedelta(days=age),
                    "impressions": 1000 // (age + 1),
                    "reads": 100 // (age + 1),
                    "likes": 10,
                    "collects": 5,
                    "comments": 1,
                    "shares": 1,
                    "search_impressions": 20,
                    "ad_spend": 0.0,
                    "link_clicks": 0,
                    "store_visits": 0,
                }
            )
    note_daily = pd.DataFrame(days)
    inapp_orders = pd.DataFrame(
        {
            "order_id": ["I1", "I2", "I3", "I4"],
            "note_id": ["N1", "N1", "N2", "N1"],
            "order_time": [
                T("2025-06-02 11:00"),  # in N1's window
                T("2025-06-16 10:00"),  # exactly W = 14 days after: outside [publish, publish + W)
                T("2025-06-05 12:00"),
                T("2025-06-02 09:00"),  # before publishing: not the note's
            ],
            "gmv": [100.0, 999.0, 50.0, 777.0],
        }
    )
    offsite_orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "note_id": ["N1", "N1", "N2"],
            "order_time": [T("2025-06-03 10:00"), T("2025-06-04 10:00"), T("2025-06-10 10:00")],
            "reported_time": [T("2025-06-05 10:00"), T("2025-08-20 10:00"), T("2025-06-12 10:00")],
            "channel": ["link", "link", "search"],
            "gmv": [300.0, 400.0, 60.0],
        }
    )
    dates = pd.date_range("2025-04-01", "2025-07-31", freq="D")
    merchant_daily = pd.DataFrame(
        [
            {
                "merchant_id": m,
                "date": d,
                "inapp_gmv": 1000.0 if m != "M3" else 0.0,
                "ad_spend": 100.0,
            }
            for m in ("M1", "M2", "M3")
            for d in dates
        ]
    )
    return SimpleNamespace(
        merchants=merchants,
        creators=creators,
        notes=notes,
        note_daily=note_daily,
        inapp_orders=inapp_orders,
        offsite_orders=offsite_orders,
        merchant_daily=merchant_daily,
    )


@pytest.fixture
def tables() -> SimpleNamespace:
    return _tables()


def _note_frame(data, **kwargs) -> frames.NoteFrame:
    return frames.build_note_frame(data, window_days=14, horizon_hours=72, as_of=AS_OF, **kwargs)


# --- the note frame ----------------------------------------------------------------------------
def test_note_frame_keeps_notes_that_could_be_linked_and_drops_late_links(tables):
    nf = _note_frame(tables)
    assert list(nf.frame.index) == [
        "N1",
        "N2",
    ]  # N3 late, N4 before enrolment, N5 not enrolled, N6 open
    assert nf.frame.loc["N1", "linked"] == 1 and nf.frame.loc["N2", "linked"] == 0
    assert nf.frame.loc["N1", "hours_to_link"] == pytest.approx(2.0)
    assert nf.counts["late_linked_dropped"] == 1
    everyone = _note_frame(tables, population="all", late_links="control")
    assert set(everyone.frame.index) == {"N1", "N2", "N3", "N4", "N5"}
    assert everyone.frame.loc["N3", "linked"] == 0 and everyone.frame.loc["N3", "late_linked"] == 1


def test_outcome_pool_holds_the_unsampled_notes_and_leaves_the_sample_alone(tables):
    """N4 (before enrolment) and N5 (not enrolled) could not be linked; one is sampled as a
    comparison note, the other goes to the outcome model's pool. The sample, placebo windows
    included, is the same with or without the pool."""
    plain = _note_frame(tables, population="all", extra_controls=1)
    pooled = _note_frame(tables, population="all", extra_controls=1, outcome_pool_size=100_000)
    pd.testing.assert_frame_equal(plain.frame, pooled.frame)
    sampled = set(plain.frame.index) & {"N4", "N5"}
    assert len(sampled) == 1
    assert set(pooled.outcome_pool.index) == {"N4", "N5"} - sampled
    assert (pooled.outcome_pool["linked"] == 0).all() and pooled.counts["outcome_pool"] == 1
    assert list(pooled.outcome_pool.columns) == list(pooled.frame.columns)
    assert plain.outcome_pool.empty
    # N4 linked long after its horizon (its merchant enrolled later): never in the pool.
    tables.notes.loc[tables.notes["note_id"] == "N4", "link_time"] = T("2025-05-25 10:00")
    for seed in range(4):
        late = _note_frame(
            tables, population="all", extra_controls=1, seed=seed, outcome_pool_size=100_000
        )
        assert "N4" not in late.outcome_pool.index


def test_outcome_pool_size_draws_a_seeded_subset_of_the_pool(small_world):
    """outcome_pool_size=n: a random n of the unsampled notes of unenrolled merchants, the same
    n for the same seed; the sample is the same whatever the size."""
    from redcat.data import load_dataset

    data = load_dataset(small_world)
    as_of = _as_of(data)

    def build(size, seed=0):
        return frames.build_note_frame(
            data, window_days=14, horizon_hours=72, as_of=as_of, population="all",
            extra_controls=300, seed=seed, outcome_pool_size=size,
        )  # fmt: skip

    whole, part = build(100_000), build(200)
    assert len(whole.outcome_pool) > 1_000 and len(part.outcome_pool) == 200
    assert set(part.outcome_pool.index) <= set(whole.outcome_pool.index)
    # A random draw over the whole pool, not its first 200 notes.
    first = set(whole.outcome_pool.index[:200])
    assert len(set(part.outcome_pool.index) & first) < 100
    pd.testing.assert_frame_equal(whole.frame, part.frame)
    pd.testing.assert_frame_equal(part.outcome_pool, build(200).outcome_pool)
    assert build(0).outcome_pool.empty and build(None).outcome_pool.empty
    for bad in (-1, True, 2.5):
        with pytest.raises(ValueError, match="outcome_pool_size"):
            build(bad)


def test_outcomes_count_orders_in_the_window_only(tables):
    f = _note_frame(tables).frame
    assert f.loc["N1", "inapp_gmv"] == pytest.approx(100.0)  # not the order at +14 d, nor before
    assert f.loc["N2", "inapp_gmv"] == pytest.approx(50.0)
    # O2 is reported after as_of: not visible. O1 is old enough to be surely reported.
    assert f.loc["N1", "offsite_gmv_reported"] == pytest.approx(300.0)
    assert f.loc["N1", "offsite_gmv_link"] >= 300.0
    assert f.loc["N2", "offsite_gmv_search"] >= 60.0 and f.loc["N2", "offsite_gmv_link"] == 0


def test_covariates_do_not_see_anything_after_the_horizon(tables):
    before = _note_frame(tables).frame
    later = tables.note_daily.copy()
    publish = later["note_id"].map(tables.notes.set_index("note_id")["publish_time"])
    after_horizon = later["date"] >= (publish + pd.Timedelta(hours=72)).dt.normalize()
    later.loc[after_horizon, ["impressions", "reads", "likes", "collects"]] *= 50
    tables.note_daily = later
    after = _note_frame(tables).frame
    nf = _note_frame(tables)
    columns = list(nf.pre_link_covariates) + list(nf.early_signal_covariates)
    pd.testing.assert_frame_equal(before[columns], after[columns])
    # Taps and store visits exist only because of the link; boosting spend is decided with it.
    forbidden = {"early_link_clicks", "early_store_visits", "early_ad_spend", "hours_to_link"}
    assert not forbidden & set(columns)


def test_reporting_weights_make_partly_reported_gmv_whole():
    rng = np.random.default_rng(0)
    n = 20_000
    order_time = T("2025-03-01") + pd.to_timedelta(rng.uniform(0, 150, n), unit="D")
    lag = pd.to_timedelta(rng.lognormal(np.log(2.5), 0.5, n), unit="D")
    orders = pd.DataFrame(
        {
            "order_time": order_time,
            "reported_time": order_time + lag,
            "channel": "search",
            "gmv": 1.0,
        }
    )
    as_of = T("2025-07-31 23:59:59")
    delay = estimate_reporting_delay(orders, as_of)
    assert delay.quantile_days(0.5) == pytest.approx(2.5, rel=0.05)
    recent = orders[orders["order_time"] > as_of - pd.Timedelta(days=10)]
    seen = recent[recent["reported_time"] <= as_of]
    age = ((as_of - seen["order_time"]) / pd.Timedelta(days=1)).to_numpy()
    restored = float(delay.weight(age, seen["channel"].to_numpy()).sum())
    # What is seen is short by the orders still on their way; the weights restore most of it
    # (not all: the last day's orders are almost never reported yet, and weights are capped).
    assert len(seen) < 0.95 * len(recent)
    assert abs(restored - len(recent)) < 0.5 * (len(recent) - len(seen))


def test_early_purchases_count_the_first_hours_with_reporting_weights():
    """The placebo's raw material: orders in [publish, publish + hours), off-site ones
    weighted by 1 / P(reported by as_of), nothing for a note whose hours end after as_of."""
    from redcat.cannibalization.reporting import ReportingDelay

    as_of = T("2025-06-10 12:00")
    notes = pd.DataFrame(
        {
            "note_id": ["A", "B", "C"],
            "publish_time": [T("2025-06-01 08:00"), T("2025-06-01 08:00"), T("2025-06-10 00:00")],
            "price": [50.0, 200.0, 10.0],
        }
    )
    inapp = pd.DataFrame(
        {
            "note_id": ["A", "A", "A", "C"],
            "order_time": [
                T("2025-06-01 09:00"),  # 1 h: inside
                T("2025-06-02 08:00"),  # exactly 24 h: outside [publish, publish + 24 h)
                T("2025-06-01 07:00"),  # before publishing: not the note's
                T("2025-06-10 01:00"),  # C's 24 h end after as_of: C is unknown
            ],
            "gmv": [100.0, 999.0, 777.0, 10.0],
        }
    )
    offsite = pd.DataFrame(
        {
            "note_id": ["A", "B", "B"],
            "order_time": [T("2025-06-01 20:00"), T("2025-06-01 10:00"), T("2025-06-01 11:00")],
            "reported_time": [
                T("2025-06-03 00:00"),
                T("2025-06-05 00:00"),
                T("2025-06-11 00:00"),  # reported after as_of: not seen
            ],
            "channel": ["link", "search", "search"],
            "gmv": [400.0, 60.0, 999.0],
        }
    )
    # Delays of 1 and 20 days: an order 9 days old has been reported with probability 1/2.
    reporting = ReportingDelay({}, np.array([1.0, 20.0]), settle_days=25.0)
    got = frames.early_purchases(notes, inapp, offsite, hours=24, as_of=as_of, reporting=reporting)
    assert got.loc["A", "orders"] == pytest.approx(1 + 2)  # in-app 1 + off-site 1 at weight 2
    assert got.loc["A", "gmv"] == pytest.approx(100 + 2 * 400)
    assert got.loc["A", "units"] == pytest.approx((100 + 2 * 400) / 50)
    # B: one order seen (weight 2), the other still on its way back from the partner.
    assert got.loc["B", "orders"] == pytest.approx(2) and got.loc["B", "gmv"] == pytest.approx(120)
    assert got.loc[["A", "B"], "any"].tolist() == [1.0, 1.0]
    assert got.loc["C"].isna().all()
    # One window per note: A's 6 hours miss its off-site order at 12 h.
    own = frames.early_purchases(
        notes, inapp, offsite, hours=np.array([6.0, 1.0, 1.0]), as_of=as_of, reporting=reporting
    )
    # C's single hour has closed by as_of: known, and its order at exactly 1 h is outside.
    assert own["orders"].tolist() == [1.0, 0.0, 0.0]


def test_placebo_windows_end_at_the_link_and_match_for_comparison_notes():
    link_hours = np.array([1.0, 5.0, 100.0, np.nan, np.nan, np.nan, np.nan])
    got = frames.placebo_windows(link_hours, horizon_hours=72, seed=3)
    assert np.isnan(got[0])  # linked within PLACEBO_MIN_HOURS: no pre-link time to speak of
    assert got[1] == 5.0 and got[2] == 72.0  # the hours before the link, at most H
    assert set(got[3:]) <= {5.0, 72.0}  # never linked: a window of the linked notes
    np.testing.assert_array_equal(got, frames.placebo_windows(link_hours, 72, seed=3))


def test_note_frame_placebo_counts_orders_before_the_link(tables):
    nf = _note_frame(tables)
    f, apart = nf.frame, nf.late_linked_set_apart
    # N1, linked 2 h after publishing: its window is those 2 h, holding the in-app order at 1 h.
    assert f.loc["N1", frames.PLACEBO_WINDOW] == 2.0
    assert f.loc["N1", frames.PLACEBO_COLUMN] == pytest.approx(np.log(2.0))
    # N3, linked after H: out of the frame, set apart for the placebo with a window of H.
    assert list(apart.index) == ["N3"] and apart.loc["N3", "link_hours"] == pytest.approx(100.0)
    assert apart.loc["N3", frames.PLACEBO_WINDOW] == 72.0
    assert apart.loc["N3", frames.PLACEBO_COLUMN] == 0.0
    # N2, never linked: a window drawn from {2, 72}; its first order comes at 48 h.
    window = f.loc["N2", frames.PLACEBO_WINDOW]
    assert window in (2.0, 72.0)
    assert f.loc["N2", frames.PLACEBO_COLUMN] == pytest.approx(np.log(2.0) if window == 72 else 0)


# --- the merchant panel and the threshold frame --------------------------------------------------
def test_merchant_panel_timing_festival_and_relative_outcome(tables):
    panel = frames.build_merchant_panel(tables, as_of=AS_OF, comparison="eligible").frame
    assert set(panel["merchant_id"]) == {"M1", "M2"}  # M3 has no in-app store
    m1 = panel[panel["merchant_id"] == "M1"]
    assert (m1["first_treated"] == T("2025-05-19")).all()
    assert panel.loc[panel["merchant_id"] == "M2", "first_treated"].isna().all()
    assert m1.loc[m1["date"] == T("2025-05-18"), "treated"].item() == 0
    assert m1.loc[m1["date"] == T("2025-05-19"), "treated"].item() == 1
    assert m1.loc[m1["date"] == T("2025-06-18"), "festival_618"].item() == 1
    assert m1.loc[m1["date"] == T("2025-06-19"), "festival_618"].item() == 0
    assert m1["inapp_gmv_rel"].to_numpy() == pytest.approx(1.0)
    early = frames.build_merchant_panel(
        tables, as_of=T("2025-05-15 23:59"), comparison="eligible"
    ).frame
    assert early["first_treated"].isna().all()  # enrolment after as_of is not known yet


def test_threshold_frame_running_variable_and_rules(tables):
    th = frames.build_threshold_frame(tables, as_of=AS_OF)
    assert th.cutoff == 0.0 and th.outcome == "relative"
    rows = th.frame.set_index("merchant_id")
    assert set(rows.index) == {"M1", "M2"}  # M3: beauty is not white-listed
    assert rows.loc["M1", "running"] == pytest.approx(3000.0)
    assert rows.loc["M1", "enrolled"] == 1 and rows.loc["M2", "enrolled"] == 0
    assert rows.loc["M1", "outcome"] == pytest.approx(0.0)  # flat GMV: no change


# --- simulated worlds ----------------------------------------------------------------------------
def _world(tmp_path_factory, name: str, **config):
    from redcat.data import load_dataset
    from redcat.simulate import WorldConfig, simulate_world, write_world

    folder = tmp_path_factory.mktemp(name)
    world = simulate_world(WorldConfig(**config))
    write_world(world, folder)
    return load_dataset(folder), world.truth


# 100,000 notes: at the default 30,000 a few head-creator notes carry so much of the GMV that
# one world's note-level estimate is too noisy to check anything against (see the benchmark).
TEST_NOTES = 100_000


@pytest.fixture(scope="module")
def moderate_world(tmp_path_factory):
    """A world with moderate cannibalization (the default knobs), seed 21."""
    return _world(tmp_path_factory, "moderate", seed=21, notes=TEST_NOTES)


def _as_of(data) -> pd.Timestamp:
    return (
        pd.Timestamp(data.data_end).normalize()
        + pd.Timedelta(days=1)
        - pd.Timedelta(microseconds=1)
    )


@pytest.mark.slow
def test_control_choice_admits_what_links_leave_alone(moderate_world):
    data, _ = moderate_world
    test = engagement_shift_test(data, as_of=_as_of(data))
    # The simulator's links move none of the signals: the precise tests (rates per impression
    # and per read of the common signals) must find no shift beyond the ±10% margin.
    assert {"reads", "likes"} <= set(test.admitted)
    assert (test.table["ci_low"] < 0.1).all() and (test.table["ci_high"] > -0.1).all()
    covariates, reason = choose_controls(("log_price",), test)
    assert covariates[0] == "log_price" and "early_reads_rate" in covariates
    assert "admitted" not in reason or "reads" in reason


@pytest.mark.slow
def test_control_choice_refuses_a_signal_the_link_moves(moderate_world):
    data, _ = moderate_world
    # Make links cut saves by 30% from the day after the link: the test must see it.
    daily = data.note_daily.copy()
    link_day = daily["note_id"].map(data.notes.set_index("note_id")["link_time"]).dt.normalize()
    after = link_day.notna() & (daily["date"] > link_day)
    daily.loc[after, "collects"] = np.floor(daily.loc[after, "collects"] * 0.7).astype("int64")
    moved = SimpleNamespace(notes=data.notes, note_daily=daily, merchants=data.merchants)
    test = engagement_shift_test(moved, as_of=_as_of(data))
    row = test.table.set_index("signal").loc["collects"]
    assert not row["admitted"]
    assert row["ci_high"] < -0.2  # about log(0.7) = −0.36, floors included
    assert "early_collects_rate" not in test.admitted_columns()


@pytest.mark.slow
@pytest.mark.parametrize("world_name", ["moderate", "none"])
def test_estimates_match_truth_within_three_standard_errors(
    world_name, moderate_world, tmp_path_factory
):
    """Tolerance: each key's truth within estimate ± 3 SE (the ratio's SE: the delta method's),
    on two 100,000-note worlds (moderate cannibalization, seed 21; none, seed 22). ±3 SE, not
    the 95% interval: one world cannot test coverage; the benchmark does
    (benchmarks/bench_cannibalization_truth.py). Measured with the 25,000-note outcome pool
    and the sample-ATT variance: moderate world 0.05, 1.42, 0.6 and 0.78 SE for in-app,
    off-site, ratio and merchant; no-cannibalization world 0.03, 0.82, 0.03 and 1.1 SE (with
    the population variance 0.03, 0.85, 0.47, 0.78 and 0.03, 0.8, 0.03, 1.1; without the pool
    0.4, 1.0, 1.1, 0.8 and 0.1, 0.9, 0.1, 1.1). (Before the outcome models took log early reads as an exposure offset, the
    moderate world's in-app effect was -114 against a true -218, 2.2 SE, and this test was
    marked as an expected failure: the trees could not scale their predictions up to the
    largest comparison notes.)"""
    from redcat.cannibalization.summary import estimate_all

    if world_name == "moderate":
        data, truth = moderate_world
    else:
        data, truth = _world(tmp_path_factory, "none", seed=22, notes=TEST_NOTES, divert_inapp=0.0)
    params = SimpleNamespace(window_days=14, horizon_hours=72, seed=0, as_of=_as_of(data))
    out = estimate_all(data, params, robustness=False)
    assert set(out["results"]) == set(KEYS)
    for effect in out["results"].values():
        assert set(effect) == {"estimate", "ci_low", "ci_high", "method", "n"}
        assert math.isfinite(effect["estimate"]) and effect["n"] > 0
    designs = out["designs"]
    assert designs["pretrend_p"].dtype == "float64" and designs["fragile"].isna().all()
    rows = {r["key"]: r for r in compare_to_truth(out, truth)}
    se = {
        KEYS[0]: out["note_level"].inapp.se,
        KEYS[1]: out["note_level"].offsite.se,
        KEYS[2]: out["note_level"].ratio.se,
        KEYS[3]: out["merchant_level"].did.se,
    }
    for key, s in se.items():
        assert abs(rows[key]["error"]) <= 3 * s, (key, rows[key])


@pytest.mark.slow
def test_naive_difference_is_off(moderate_world):
    """The plain linked-minus-other difference misses the true in-app effect: its own 95%
    interval excludes the truth, and it is further from the truth than the design's estimate."""
    from redcat.cannibalization.note_level import estimate_note_level

    data, truth = moderate_world
    note = estimate_note_level(data, window_days=14, horizon_hours=72, as_of=_as_of(data))
    target = true_value(truth, KEYS[0])
    naive = note.naive["inapp_gmv"]
    assert not (naive["ci_low"] <= target <= naive["ci_high"])
    assert abs(naive["estimate"] - target) > abs(note.inapp.estimate - target)


def test_fragile_verdict_follows_the_pre_link_placebo():
    """The placebo decides when there is one; the bounds' verdict only without it."""
    from redcat.cannibalization.robustness import is_fragile
    from redcat.causal.result import CausalResult

    def effect(low: float, high: float, fragile: bool = False) -> CausalResult:
        return CausalResult(
            estimate=(low + high) / 2, se=1.0, ci_low=low, ci_high=high, n=10,
            method="test", diagnostics={"fragile": fragile},
        )  # fmt: skip

    bounds_fragile = {"inapp": effect(-1, 1, fragile=True)}
    bounds_robust = {"inapp": effect(1, 3)}
    assert is_fragile(bounds_robust, placebo=effect(5, 9))  # pre-link "effect": confounded
    assert not is_fragile(bounds_fragile, placebo=effect(-2, 2))  # placebo passes
    assert is_fragile(bounds_fragile, placebo=None)


def _result(estimate: float, **diagnostics):
    from redcat.causal.result import CausalResult

    return CausalResult(
        estimate=estimate, se=1.0, ci_low=estimate - 2, ci_high=estimate + 2, n=100,
        method="test", diagnostics=diagnostics,
    )  # fmt: skip


def test_designs_table_has_typed_check_columns():
    """Each check is its own typed column on its design's row (NaN / NA elsewhere), so readers
    (the summary) need not parse the `checks` text."""
    from redcat.cannibalization.robustness import designs_side_by_side

    note = SimpleNamespace(
        inapp=_result(-100.0, overlap={"propensity_auc": 0.81}), control_reason="pre-link only"
    )
    merchant = SimpleNamespace(did=_result(-3.0, pretrend_p_value=0.42), twfe_pct=-11.9)
    threshold = SimpleNamespace(
        rdd=_result(-1.0, density_test={"p_value": 0.8}, first_stage={"f_statistic": math.inf})
    )
    for fragile, expected in ((True, True), (False, False), (None, pd.NA)):
        table = designs_side_by_side(note, merchant, threshold, fragile=fragile).set_index("design")
        for column in ("propensity_auc", "pretrend_p", "density_p", "first_stage_f"):
            assert table[column].dtype == "float64", column
        assert table["fragile"].dtype == "boolean"
        assert table.loc["note_dml", "propensity_auc"] == pytest.approx(0.81)
        assert table.loc["merchant_did", "pretrend_p"] == pytest.approx(0.42)
        assert table.loc["threshold_rdd", "density_p"] == pytest.approx(0.8)
        assert math.isinf(table.loc["threshold_rdd", "first_stage_f"])
        assert math.isnan(table.loc["note_dml", "pretrend_p"])
        assert table["fragile"].isna().tolist() == [expected is pd.NA, True, True]
        if expected is not pd.NA:
            assert bool(table.loc["note_dml", "fragile"]) is expected
        assert "pre-trend p = 0.42" in table.loc["merchant_did", "checks"]


def test_pre_link_placebo_compares_linked_notes_with_never_linked_ones(monkeypatch):
    """Linked notes with time before their link (late ones too) against every never-linked
    note of the frame, the sampled notes of unenrolled merchants included."""
    from redcat.cannibalization import robustness

    frame = pd.DataFrame(
        {
            "could_link": [1, 1, 1, 1, 0, 0],
            "link_hours": [frames.PLACEBO_MIN_HOURS + 1, 1.0, np.nan, np.nan, np.nan, np.nan],
            "x": range(6),
        }
    )
    late = pd.DataFrame({"could_link": [1], "link_hours": [100.0], "x": [6]}, index=[6])
    seen = {}

    def fake_att_dml(sample, outcome, treatment, covariates, **kwargs):
        seen.update(rows=sample.index.tolist(), treated=sample[treatment].tolist())
        seen["covariates"] = covariates
        return _result(0.0)

    monkeypatch.setattr(robustness, "att_dml", fake_att_dml)
    monkeypatch.setattr(robustness, "MIN_PLACEBO_LINKED", 2)
    notes = SimpleNamespace(frame=frame, late_linked_set_apart=late)
    note = SimpleNamespace(notes=notes, controls=("x",), inapp=_result(0.0, n_rep=1))
    robustness.placebo_outcome(note)
    # Linked too early (row 1) is left out; unenrolled merchants' notes (rows 4, 5) are
    # comparisons; the note linked after H (row 6) counts as linked.
    assert seen["rows"] == [0, 2, 3, 4, 5, 6] and seen["treated"] == [1, 0, 0, 0, 0, 1]
    assert seen["covariates"] == ["x", frames.PLACEBO_WINDOW]
    # Too few linked notes with time before their link: no placebo, and the flag falls back.
    monkeypatch.setattr(robustness, "MIN_PLACEBO_LINKED", 3)
    none = robustness.placebo_outcome(note)
    assert none.n == 0 and "not estimated" in none.method


@pytest.mark.parametrize("language", ["en", "zh"])
def test_note_level_caption_names_the_outcome_pool_only_when_there_is_one(language):
    """The note-level section says how many notes only trained the outcome model (12,345 here),
    and says nothing of a pool when there was none."""
    from redcat.causal.result import CausalResult
    from redcat.report.cannibalization_sections import Cannibalization, note_level

    effect = CausalResult(
        estimate=-1.0, se=1.0, ci_low=-3.0, ci_high=1.0, n=10, method="test", diagnostics={}
    )

    def caption(counts):
        note = SimpleNamespace(
            inapp=effect, offsite=effect, ratio=effect, notes=SimpleNamespace(counts=counts)
        )
        run = SimpleNamespace(language=language)
        return note_level(Cannibalization(run=run, out={"note_level": note})).markup

    counts = {"linked": 40, "comparison": 900}
    without = caption(counts)
    with_pool = caption({**counts, "outcome_pool": 12_345})
    assert "12,345" in with_pool and "12,345" not in without
    assert len(with_pool) > len(without) + 40  # a sentence more, not just a number
    assert caption({**counts, "outcome_pool": 0}) == without


def test_single_control_sensitivity_benchmarks_need_the_pool_off():
    """Their refit would drop the outcome pool: refused before any work starts (no data is
    even looked at), with the way out named."""
    from redcat.cannibalization.summary import estimate_all

    with pytest.raises(ValueError, match="outcome_pool=0"):
        estimate_all(None, None, sensitivity_benchmarks=("early_reads",))
