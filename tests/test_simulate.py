"""The simulator: deterministic, in the contract, true to its model, and its truth is right.

Small worlds (3,000-20,000 notes) keep the file fast. Every numeric assertion states its
tolerance; where a test compares two knob values it uses the same seed, so the same buyers are
simulated and the comparison is exact rather than statistical.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from redcat.config import (
    FESTIVAL_618,
    LAUNCH_DATE,
    MIN_DAILY_AD_SPEND,
    MIN_FUNNEL_BUDGET,
    PRE_LAUNCH_SPEND_DAYS,
    WHITELIST_INDUSTRIES,
)
from redcat.contract import TABLES
from redcat.simulate import WorldConfig, simulate_world, write_world

EFFECTS = (
    "cannibalization.note_inapp_gmv",
    "cannibalization.note_offsite_gmv",
    "cannibalization.ratio",
    "cannibalization.merchant_inapp_pct",
)


@pytest.fixture(scope="module")
def world():
    return simulate_world(WorldConfig(notes=4_000, seed=11))


@pytest.fixture(scope="module")
def big_world():
    """Large enough for calibration and rhythm checks (about a second)."""
    return simulate_world(WorldConfig(notes=20_000, seed=1))


def _truth(**knobs) -> dict:
    return simulate_world(WorldConfig(notes=5_000, seed=3, **knobs)).truth


# --- configuration -----------------------------------------------------------------------


def test_config_rejects_unknown_and_out_of_range_fields():
    with pytest.raises(ValidationError):
        WorldConfig(nots=10)
    with pytest.raises(ValidationError):
        WorldConfig(divert_inapp=1.5)
    with pytest.raises(ValidationError):
        WorldConfig(start_date=date(2025, 6, 1))  # after the launch: no pre-period
    with pytest.raises(ValidationError):
        WorldConfig(end_date=date(2025, 2, 1))
    config = WorldConfig()
    with pytest.raises(ValidationError):
        config.seed = 3  # frozen
    assert all(f.description for f in WorldConfig.model_fields.values())


def test_config_derives_sizes():
    assert WorldConfig(notes=4_000).n_merchants == 300
    assert WorldConfig(notes=30_000).n_merchants == 1_500
    assert WorldConfig(notes=5_000_000).n_merchants == 20_000
    assert WorldConfig(notes=4_000, merchants=50).n_merchants == 50
    assert WorldConfig(notes=40_000).n_creators == 10_000


# --- determinism -------------------------------------------------------------------------


def test_same_seed_same_world_and_same_bytes(tmp_path):
    config = WorldConfig(notes=3_000, seed=5)
    a, b = simulate_world(config), simulate_world(config)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    pd.testing.assert_frame_equal(a.note_truth, b.note_truth)
    assert json.dumps(a.truth, sort_keys=True) == json.dumps(b.truth, sort_keys=True)

    write_world(a, tmp_path / "a")
    write_world(b, tmp_path / "b")
    digests = [
        {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / x).iterdir()}
        for x in ("a", "b")
    ]
    assert digests[0] == digests[1]


def test_different_seed_different_world():
    a = simulate_world(WorldConfig(notes=3_000, seed=5))
    b = simulate_world(WorldConfig(notes=3_000, seed=6))
    assert not a.tables["notes"]["publish_time"].equals(b.tables["notes"]["publish_time"])
    assert a.truth["cannibalization.note_inapp_gmv"] != b.truth["cannibalization.note_inapp_gmv"]


def test_link_knobs_keep_everything_else():
    """Changing a link knob re-uses the same buyers: signals and no-link outcomes are unchanged."""
    a = simulate_world(WorldConfig(notes=3_000, seed=5))
    b = simulate_world(WorldConfig(notes=3_000, seed=5, divert_inapp=0.9, convert_new=0.1))
    pd.testing.assert_frame_equal(a.tables["note_daily"], b.tables["note_daily"])
    pd.testing.assert_series_equal(
        a.note_truth["inapp_gmv_w_nolink"], b.note_truth["inapp_gmv_w_nolink"]
    )
    pd.testing.assert_series_equal(
        a.note_truth["offsite_gmv_w_nolink"], b.note_truth["offsite_gmv_w_nolink"]
    )


# --- the contract --------------------------------------------------------------------------


def _kind_ok(series: pd.Series, kind: str) -> bool:
    if kind == "string":
        return pd.api.types.is_string_dtype(series.dtype) or isinstance(
            series.dtype, pd.CategoricalDtype
        )
    if kind == "bool":
        return pd.api.types.is_bool_dtype(series.dtype)
    if kind == "int":
        return pd.api.types.is_integer_dtype(series.dtype)
    if kind == "float":
        return pd.api.types.is_float_dtype(series.dtype)
    return pd.api.types.is_datetime64_dtype(series.dtype)


def test_tables_follow_the_contract(world):
    tables = world.tables
    assert set(tables) == set(TABLES)
    for name, spec in TABLES.items():
        frame = tables[name]
        assert len(frame) > 0, name
        for col in spec.columns:
            assert col.name in frame, f"{name}.{col.name} missing"
            s = frame[col.name]
            assert _kind_ok(s, col.kind), f"{name}.{col.name} has dtype {s.dtype}, not {col.kind}"
            if not col.nullable:
                assert s.notna().all(), f"{name}.{col.name} has nulls"
            if col.unique:
                assert s.is_unique, f"{name}.{col.name} not unique"
            if col.min_value is not None:
                assert (s.dropna() >= col.min_value).all(), f"{name}.{col.name} below minimum"
            if col.positive:
                assert (s.dropna() > 0).all(), f"{name}.{col.name} not positive"
            if col.allowed is not None:
                assert set(s.dropna().astype(str)) <= set(col.allowed), f"{name}.{col.name}"
            if col.kind == "date":
                d = s.dropna()
                assert (d == d.dt.normalize()).all(), f"{name}.{col.name} not at midnight"
            if col.references is not None:
                parent, key = col.references
                assert set(s.astype(str)) <= set(tables[parent][key]), f"{name}.{col.name} dangling"
        if spec.primary_key:
            assert not frame.duplicated(list(spec.primary_key)).any(), f"{name} duplicate key"


def test_links_only_for_enrolled_merchants_after_enrolment(world):
    notes = world.tables["notes"].merge(world.tables["merchants"], on="merchant_id")
    linked = notes[notes["link_time"].notna()]
    assert len(linked) > 20
    assert linked["enrolled_date"].notna().all()
    assert (linked["link_time"] >= linked["enrolled_date"]).all()
    assert (linked["link_time"] >= linked["publish_time"]).all()
    assert (linked["link_time"] <= pd.Timestamp(world.config.data_end)).all()


def test_orders_are_timed_consistently(world):
    end = pd.Timestamp(world.config.data_end)
    notes = world.tables["notes"].set_index("note_id")
    for name in ("inapp_orders", "offsite_orders"):
        orders = world.tables[name]
        published = orders["note_id"].map(notes["publish_time"])
        assert (orders["order_time"] >= published).all(), name
        assert (orders["order_time"] <= end).all(), name
    off = world.tables["offsite_orders"]
    assert (off["reported_time"] >= off["order_time"]).all()
    assert (off["reported_time"] <= end).all()
    # link-channel orders only after the note's link
    link = off[off["channel"] == "link"]
    assert (link["order_time"] >= link["note_id"].map(notes["link_time"])).all()
    assert (link["note_id"].map(notes["link_time"]).notna()).all()


def test_note_daily_rows_and_counts(world):
    cfg = world.config
    nd = world.tables["note_daily"]
    notes = world.tables["notes"].set_index("note_id")
    first_day = nd["note_id"].map(notes["publish_time"]).dt.normalize()
    age = (nd["date"] - first_day).dt.days
    assert (age >= 0).all() and (age < cfg.daily_rows_per_note).all()
    expected_rows = np.minimum(
        cfg.daily_rows_per_note,
        (pd.Timestamp(cfg.end_date) - notes["publish_time"].dt.normalize()).dt.days + 1,
    )
    assert (nd.groupby("note_id", observed=True).size().reindex(notes.index) == expected_rows).all()
    assert (nd["reads"] <= nd["impressions"]).all()
    for col in ("likes", "collects", "comments", "shares"):
        assert (nd[col] <= nd["reads"]).all()
    link_day = nd["note_id"].map(notes["link_time"]).dt.normalize()
    assert (nd.loc[~(nd["date"] >= link_day), "link_clicks"] == 0).all()  # NaT compares False
    assert nd["link_clicks"].sum() > 0
    visits = nd[link_day.isna()].groupby("note_id", observed=True)["store_visits"].sum()
    assert (visits > 0).mean() > 0.8  # unlinked notes get search-back (回搜) visits too


def test_in_app_gmv_needs_a_store(world):
    merchants = world.tables["merchants"].set_index("merchant_id")
    md = world.tables["merchant_daily"]
    no_store = md["merchant_id"].astype(str).map(merchants["has_inapp_store"]) == False  # noqa: E712
    assert (md.loc[no_store, "inapp_gmv"] == 0).all()
    notes = world.tables["notes"].set_index("note_id")
    merchant_of_order = world.tables["inapp_orders"]["note_id"].map(notes["merchant_id"])
    assert merchant_of_order.map(merchants["has_inapp_store"]).all()


def test_pre_launch_spend_is_reproducible(world):
    md = world.tables["merchant_daily"]
    launch = pd.Timestamp(LAUNCH_DATE)
    window = md[
        (md["date"] < launch) & (md["date"] >= launch - pd.Timedelta(days=PRE_LAUNCH_SPEND_DAYS))
    ]
    mean = window.groupby("merchant_id", observed=True)["ad_spend"].mean()
    pre = world.tables["merchants"].set_index("merchant_id")["pre_daily_ad_spend"]
    assert np.allclose(mean.reindex(pre.index), pre, atol=0.01)  # cents of rounding


# --- merchants and enrolment ---------------------------------------------------------------


def _meets_other_rules(m: pd.DataFrame) -> pd.Series:
    return (
        m["industry"].isin(WHITELIST_INDUSTRIES)
        & (m["funnel_budget"] >= MIN_FUNNEL_BUDGET)
        & m["enterprise_account"]
    )


def test_enrolment_only_among_eligible_in_weekly_batches():
    m = simulate_world(WorldConfig(notes=20_000, seed=2)).tables["merchants"]
    eligible = _meets_other_rules(m) & (m["pre_daily_ad_spend"] >= MIN_DAILY_AD_SPEND)
    enrolled = m["enrolled_date"].notna()
    assert enrolled.sum() >= 20
    assert not (enrolled & ~eligible).any()
    assert (eligible & ~enrolled).sum() >= 10  # a never / not-yet group
    cohorts = m.loc[enrolled, "enrolled_date"].value_counts()
    assert len(cohorts) >= 4  # staggered
    assert cohorts.min() >= 3  # no cohort of one or two
    assert (cohorts.index >= pd.Timestamp(LAUNCH_DATE)).all()
    assert (cohorts.index.day_of_week == 0).all()  # Monday batches


def test_merchants_on_both_sides_of_the_spend_cutoff(big_world):
    m = big_world.tables["merchants"]
    others = m[_meets_other_rules(m)]
    spend = others["pre_daily_ad_spend"]
    assert (spend.between(2_500, MIN_DAILY_AD_SPEND, inclusive="left")).sum() >= 20
    assert (spend.between(MIN_DAILY_AD_SPEND, 10_000)).sum() >= 20
    white = m[m["industry"].isin(WHITELIST_INDUSTRIES)]
    # store_share_whitelisted = 0.8 at average size (±0.1; 367 merchants: SE ≈ 0.02)
    assert 0.7 < white["has_inapp_store"].mean() < 0.9


# --- rhythms ------------------------------------------------------------------------------


def _log_impressions_by_age(world) -> pd.DataFrame:
    nd = world.tables["note_daily"]
    published = nd["note_id"].map(world.tables["notes"].set_index("note_id")["publish_time"])
    frame = pd.DataFrame(
        {
            "age": (nd["date"] - published.dt.normalize()).dt.days,
            "date": nd["date"],
            "log_imp": np.log1p(nd["impressions"].to_numpy()),
        }
    )
    frame = frame[frame["age"].between(1, 10)].copy()
    # Remove each age's mean: what remains is the day's calendar effect (plus note noise).
    frame["resid"] = frame["log_imp"] - frame.groupby("age")["log_imp"].transform("mean")
    return frame


def test_weekday_and_618_show_in_impressions(big_world):
    frame = _log_impressions_by_age(big_world)
    by_weekday = frame.groupby(frame["date"].dt.day_of_week)["resid"].mean()
    # model: Saturday / Tuesday = 1.10 / 0.94 → log 0.157
    assert by_weekday[5] - by_weekday[1] == pytest.approx(0.157, abs=0.06)
    first, last = (pd.Timestamp(d) for d in FESTIVAL_618)
    festival = frame["date"].between(first, last)
    before = frame["date"].between(pd.Timestamp("2025-04-01"), pd.Timestamp("2025-05-15"))
    # model: 618 lifts reading by 25% → log 0.223
    lift = frame.loc[festival, "resid"].mean() - frame.loc[before, "resid"].mean()
    assert lift == pytest.approx(0.223, abs=0.07)

    notes_per_day = big_world.tables["notes"]["publish_time"].dt.normalize().value_counts()
    in_festival = notes_per_day[notes_per_day.index.to_series().between(first, last)].mean()
    april = notes_per_day[
        notes_per_day.index.to_series().between("2025-04-01", "2025-04-30")
    ].mean()
    assert in_festival / april > 1.3  # model: ~1.5 × a slight trend


# --- the truth ----------------------------------------------------------------------------


def test_truth_keys_are_plain_numbers(world):
    truth = world.truth
    for key in EFFECTS:
        assert isinstance(truth[key], float) and np.isfinite(truth[key]), key
    for key in ("n_linked_notes", "n_enrolled_merchants", "window_days", "horizon_hours"):
        assert isinstance(truth[key], int)
    assert truth["config"] == world.config.model_dump(mode="json")
    assert set(EFFECTS) <= set(truth["definitions"])
    assert truth["window_days"] == 14 and truth["horizon_hours"] == 72


def test_linked_matches_the_contract_definition(world):
    notes = world.tables["notes"]
    delay = notes["link_time"] - notes["publish_time"]
    linked = (delay <= pd.Timedelta(hours=world.config.horizon_hours)).fillna(False).to_numpy()
    assert (world.note_truth["linked"].to_numpy() == linked).all()
    assert world.truth["n_linked_notes"] == linked.sum()
    assert world.note_truth["note_id"].equals(notes["note_id"])


def test_headline_note_keys_average_over_mature_linked_notes(big_world):
    """The headline keys are what a run on the data end can estimate: linked notes whose window
    closed by the data end; every linked note's average is kept under *_all_linked."""
    truth, nt = big_world.truth, big_world.note_truth
    published = big_world.tables["notes"]["publish_time"]
    window = pd.Timedelta(days=truth["window_days"])
    mature = (
        published + window <= pd.Timestamp(truth["data_end"]) + pd.Timedelta(seconds=1)
    ).to_numpy()
    linked = nt["linked"].to_numpy()
    effect = (nt["inapp_gmv_w_link"] - nt["inapp_gmv_w_nolink"]).to_numpy()
    assert truth["n_linked_notes_mature"] == (linked & mature).sum() < truth["n_linked_notes"]
    assert truth["cannibalization.note_inapp_gmv"] == pytest.approx(
        effect[linked & mature].mean(), rel=1e-12
    )
    assert truth["cannibalization.note_inapp_gmv_all_linked"] == pytest.approx(
        effect[linked].mean(), rel=1e-12
    )


def test_enough_enrolled_merchants_with_a_store_for_the_merchant_design(big_world):
    # store_share_whitelisted = 0.8: ~85% of the ~100 enrolled merchants at 20,000 notes
    truth = big_world.truth
    share = truth["n_enrolled_merchants_with_store"] / truth["n_enrolled_merchants"]
    assert 0.75 < share < 0.95


def test_no_diversion_means_no_in_app_effect():
    truth = _truth(divert_inapp=0.0)
    assert truth["cannibalization.note_inapp_gmv"] == 0.0  # exactly: the same buyers
    assert truth["cannibalization.merchant_inapp_pct"] == 0.0
    assert truth["cannibalization.merchant_inapp_pct_merchant_mean"] == 0.0
    assert truth["cannibalization.ratio"] == 0.0


def test_no_new_buyers_means_ratio_one():
    truth = _truth(convert_new=0.0)
    assert truth["cannibalization.ratio"] == pytest.approx(1.0, abs=1e-12)
    assert truth["cannibalization.note_offsite_gmv"] == pytest.approx(
        -truth["cannibalization.note_inapp_gmv"], rel=1e-12
    )


def test_knobs_move_the_truth_monotonically():
    low, mid, high = (_truth(divert_inapp=d) for d in (0.2, 0.5, 0.8))
    key = "cannibalization.note_inapp_gmv"
    assert low[key] > mid[key] > high[key] < 0
    pct = "cannibalization.merchant_inapp_pct"
    assert low[pct] > mid[pct] > high[pct]

    few, many = _truth(convert_new=0.01), _truth(convert_new=0.05)
    assert many["cannibalization.note_offsite_gmv"] > few["cannibalization.note_offsite_gmv"]
    assert many["cannibalization.ratio"] < few["cannibalization.ratio"]
    assert many["cannibalization.note_inapp_gmv"] == few["cannibalization.note_inapp_gmv"]


def test_selection_on_quality_shows_in_linked_notes():
    def gap(selection: float) -> float:
        nt = simulate_world(
            WorldConfig(notes=10_000, seed=4, selection_on_quality=selection)
        ).note_truth
        return nt.loc[nt["linked"], "quality"].mean() - nt.loc[~nt["linked"], "quality"].mean()

    assert gap(2.0) > 0.5
    assert abs(gap(0.0)) < 0.25  # ~200 linked notes: SE of their mean ≈ 0.07


def test_hidden_confounding_links_on_the_hidden_propensity():
    def gap(hidden: float) -> float:
        nt = simulate_world(WorldConfig(notes=10_000, seed=4, hidden_confounding=hidden)).note_truth
        return (
            nt.loc[nt["linked"], "hidden_propensity"].mean()
            - nt.loc[~nt["linked"], "hidden_propensity"].mean()
        )

    assert gap(2.0) > 0.5
    assert abs(gap(0.0)) < 0.25


def test_truth_differs_from_the_naive_comparison(big_world):
    """Better notes are linked: the naive linked-minus-unlinked off-site gap overstates the effect."""
    key, naive = "cannibalization.note_offsite_gmv", "naive.note_offsite_gmv"
    strong = simulate_world(WorldConfig(notes=20_000, seed=1, selection_on_quality=2.0)).truth
    none = simulate_world(WorldConfig(notes=20_000, seed=1, selection_on_quality=0.0)).truth
    # seed 1: bias ≈ +80 ¥ at selection 1, +140 at 2 (on an effect of ≈ 345), ≈ -50 at 0: the
    # linked notes' industries (white list) sell cheaper goods, so even unselected links have a
    # lower baseline. GMV is heavy-tailed: wide margins.
    assert big_world.truth[naive] - big_world.truth[key] > 50
    assert strong[naive] - strong[key] > none[naive] - none[key] + 50
    assert abs(strong[naive] - strong[key]) > 0.25 * abs(strong[key])


def test_p_offsite_true_is_calibrated(big_world):
    """The oracle is the probability the simulation samples from (all orders, realized links)."""
    nt = big_world.note_truth
    published = big_world.tables["notes"]["publish_time"]
    mature = (
        published + pd.Timedelta(days=14) <= pd.Timestamp(big_world.config.data_end)
    ).to_numpy()
    p = nt["p_offsite_true"].to_numpy()[mature]
    hit = (nt["offsite_orders_w"].to_numpy()[mature] > 0).astype(float)
    assert ((p > 0) & (p <= 1)).all()
    se = np.sqrt((p * (1 - p)).sum()) / p.size
    assert abs(hit.mean() - p.mean()) < 4 * se  # within 4 standard errors (≈0.014)
    decile = pd.qcut(p, 10, labels=False)
    for d in range(10):
        pd_, hd = p[decile == d], hit[decile == d]
        se_d = np.sqrt((pd_ * (1 - pd_)).sum()) / pd_.size
        assert abs(hd.mean() - pd_.mean()) < 4 * se_d + 1e-3, f"decile {d}"
    expected = nt["expected_offsite_orders_true"].to_numpy()[mature].sum()
    realized = nt["offsite_orders_w"].to_numpy()[mature].sum()
    assert abs(realized - expected) < 4 * np.sqrt(expected)  # Poisson total


# --- writing -----------------------------------------------------------------------------


def test_write_world_is_complete_and_safe(world, tmp_path):
    folder = tmp_path / "world"
    write_world(world, folder)
    names = {p.name for p in folder.iterdir()}
    assert names == {f"{t}.parquet" for t in TABLES} | {
        "truth.json",
        "note_truth.parquet",
        "world_config.json",
    }
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert truth["cannibalization.note_inapp_gmv"] == world.truth["cannibalization.note_inapp_gmv"]
    assert WorldConfig(**json.loads((folder / "world_config.json").read_text())) == world.config

    nd = pd.read_parquet(folder / "note_daily.parquet")
    assert pd.api.types.is_string_dtype(nd["note_id"].dtype)  # the dictionary reads back as strings
    assert pd.api.types.is_integer_dtype(nd["impressions"].dtype)
    assert len(nd) == len(world.tables["note_daily"])

    with pytest.raises(FileExistsError):
        write_world(world, folder)
    write_world(world, folder, overwrite=True)
    assert {p.name for p in folder.iterdir()} == names


def test_written_world_passes_the_data_loader(world, tmp_path):
    data = pytest.importorskip("redcat.data")
    if not hasattr(data, "load_dataset"):
        pytest.skip("redcat.data.load_dataset not there yet")
    for fmt in ("parquet", "csv"):
        folder = tmp_path / fmt
        write_world(world, folder, fmt=fmt)
        dataset = data.load_dataset(folder)
        assert len(dataset.notes) == world.config.notes
        assert len(dataset.note_daily) == len(world.tables["note_daily"])


def test_intent_per_read_is_not_log_linear_in_observable_traits():
    """The price sweet spot averages 1 over the simulated prices (closed form, checked by Monte
    Carlo to 1%) and peaks at the industry's sweet spot; paid posts help head creators and hurt
    amateurs; the text-length term peaks at the format's median."""
    from redcat.config import CREATOR_TIERS, INDUSTRIES
    from redcat.simulate import notes as sim_notes
    from redcat.simulate.merchants import PRICE_LEVEL_SIGMA

    rng = np.random.default_rng(0)
    n = 400_000
    x = PRICE_LEVEL_SIGMA * rng.standard_normal(n) + sim_notes.PRICE_SIGMA * rng.standard_normal(n)
    koc = CREATOR_TIERS.index("koc")
    for i, name in enumerate(INDUSTRIES):
        term = sim_notes._price_sweet_spot(x, np.full(n, i), np.full(n, koc))
        assert np.exp(term).mean() == pytest.approx(1.0, abs=0.01), name
        grid = np.linspace(-1.5, 1.5, 301)
        peak = grid[
            np.argmax(sim_notes._price_sweet_spot(grid, np.full(301, i), np.full(301, koc)))
        ]
        assert peak == pytest.approx(sim_notes.PRICE_SWEET_SPOT[name], abs=0.011)

    def intent(tier: str, paid: bool, text: float = 0.0) -> float:
        one = np.zeros(1)
        return sim_notes.purchase_intent_per_read(
            one, one, 0.0, one, np.zeros(1, dtype=np.int64),
            np.array([CREATOR_TIERS.index(tier)]), np.array([paid]), np.array([False]),
            np.array([text]),
        )[0]  # fmt: skip

    assert intent("head", True) / intent("head", False) == pytest.approx(np.exp(0.3))
    assert intent("amateur", True) / intent("amateur", False) == pytest.approx(np.exp(-0.6))
    assert intent("koc", False, text=1.0) < intent("koc", False) > intent("koc", False, text=-1.0)


def test_nonlinear_buying_zero_is_the_log_linear_world():
    """nonlinear_buying = 0 gives exp(0.6 q + b u - norm - 0.6 log(price / median) + 0.15 paid)
    exactly (the world the earlier benchmarks measured); halfway is the log-scale midpoint."""
    from redcat.config import CREATOR_TIERS, INDUSTRIES
    from redcat.simulate import notes as sim_notes

    rng = np.random.default_rng(0)
    n = 500
    q, u, x, y = (rng.standard_normal(n) for _ in range(4))
    industry = rng.integers(0, len(INDUSTRIES), n)
    tier = rng.integers(0, len(CREATOR_TIERS), n)
    paid, video = rng.random(n) < 0.3, rng.random(n) < 0.4
    args = (q, u, 0.15, x, industry, tier, paid, video, y)
    linear = sim_notes.INTENT_BASE * np.exp(
        0.6 * q + 0.15 * u - (0.36 + 0.15**2) / 2 - 0.6 * x + 0.15 * paid
    )
    np.testing.assert_allclose(sim_notes.purchase_intent_per_read(*args, nonlinear=0.0), linear)
    full = sim_notes.purchase_intent_per_read(*args, nonlinear=1.0)
    assert np.abs(np.log(full / linear)).mean() > 0.2  # the traits really move buying
    half = sim_notes.purchase_intent_per_read(*args, nonlinear=0.5)
    np.testing.assert_allclose(np.log(half), (np.log(full) + np.log(linear)) / 2)
