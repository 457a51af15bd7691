"""Features known H hours after publishing: their values, and that nothing later leaks in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from contract_fixtures import make_valid_tables
from redcat.features import (
    CATEGORICAL_FEATURES,
    FEATURE_NAMES,
    FeatureReference,
    FeatureTables,
    MissingFeatureData,
    build_features,
    feature_cutoff,
    festival_share,
)

H = 72


@pytest.fixture(scope="module")
def world_tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """A small simulated world's tables, written and loaded as a run would load them."""
    from redcat.data import load_dataset
    from redcat.simulate import WorldConfig, simulate_world, write_world

    folder = write_world(
        simulate_world(WorldConfig(notes=2_000, seed=11)),
        tmp_path_factory.mktemp("features") / "world",
    )
    return load_dataset(folder).tables


def _data(tables: dict[str, pd.DataFrame]) -> FeatureTables:
    return FeatureTables(
        notes=tables["notes"],
        note_daily=tables["note_daily"],
        inapp_orders=tables["inapp_orders"],
        creators=tables["creators"],
        merchants=tables["merchants"],
    )


def _copy(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in tables.items()}


# --- values on the hand-made dataset ------------------------------------------------------------
def test_features_of_the_hand_made_dataset():
    tables = make_valid_tables()
    features = build_features(_data(tables), H)
    assert list(features.columns) == list(FEATURE_NAMES)
    assert list(features.index) == ["n1", "n2", "n3", "n4", "n5", "n6"]
    n1 = features.loc["n1"]
    # Published 09:30 on 05-12, cutoff 05-15 09:30: days 12, 13, 14 are complete, 15 is not.
    assert n1["days_observed"] == 3
    assert n1["hours_first_day"] == pytest.approx(14.5)
    daily = tables["note_daily"]
    seen = daily[(daily["note_id"] == "n1") & (daily["date"] <= "2025-05-14")]
    assert n1["reads"] == seen["reads"].sum()
    assert n1["collect_rate"] == pytest.approx(seen["collects"].sum() / seen["reads"].sum())
    assert n1["reads_first_day_share"] == pytest.approx(seen["reads"].iloc[0] / seen["reads"].sum())
    # Linked 2.5 h after publishing; n3's link came 62 h after; n4 never.
    assert n1["linked"] == 1 and n1["hours_to_link"] == pytest.approx(2.5)
    assert features.loc["n3", "hours_to_link"] == pytest.approx(62.0)
    assert features.loc["n4", "linked"] == 0 and np.isnan(features.loc["n4", "hours_to_link"])
    # m1 enrolled on 05-12, so n1 (cutoff 05-15) sees it; m3 (n4) never enrolled.
    assert n1["merchant_enrolled"] == 1 and features.loc["n4", "merchant_enrolled"] == 0
    # In-app orders by the cutoff: n1's two orders (05-12 10:05, 05-14 21:30) both count;
    # n3's order at 05-11 23:59 is before n3's cutoff too.
    assert n1["inapp_orders"] == 2 and n1["inapp_gmv"] == pytest.approx(89.0 + 178.0)
    assert str(features.loc["n1", "industry"]) == "fmcg"
    for name in CATEGORICAL_FEATURES:
        assert isinstance(features[name].dtype, pd.CategoricalDtype)


def test_price_is_compared_with_the_reference_not_with_the_data():
    tables = make_valid_tables()
    reference = FeatureReference(industry_median_price={"fmcg": 100.0}, overall_median_price=50.0)
    features = build_features(_data(tables), H, reference)
    assert features.loc["n1", "price_vs_industry"] == pytest.approx(89.0 / 100.0)
    # An industry the reference never saw falls back to the overall median.
    assert features.loc["n3", "price_vs_industry"] == pytest.approx(129.9 / 50.0)
    assert FeatureReference.from_dict(reference.to_dict()) == reference


def test_a_missing_column_is_named():
    tables = make_valid_tables()
    tables["note_daily"] = tables["note_daily"].drop(columns=["collects"])
    with pytest.raises(MissingFeatureData, match=r"note_daily\.collects"):
        build_features(_data(tables), H)


def test_rates_of_nothing_observed_are_missing_not_zero():
    tables = make_valid_tables()
    daily = tables["note_daily"]
    tables["note_daily"] = daily[daily["note_id"] != "n2"]
    features = build_features(_data(tables), H)
    assert features.loc["n2", "reads"] == 0
    assert np.isnan(features.loc["n2", "read_rate"])


# --- no leak: changing anything after H changes no feature -------------------------------------
def _scramble_after(tables: dict[str, pd.DataFrame], after: pd.Series, seed: int) -> dict:
    """Change every row that becomes known after the per-note instant `after` (index note_id).

    note_daily rows whose day is not over by then, in-app orders placed later, links attached
    later (moved or removed), every off-site order, and the merchant- and note-level rows are
    left alone (they are changed by the global-cut test).
    """
    rng = np.random.default_rng(seed)
    out = _copy(tables)
    daily = out["note_daily"]
    limit = daily["note_id"].map(after)
    late = (daily["date"] + pd.Timedelta(days=1) > limit).to_numpy()
    for col in ("impressions", "reads", "likes", "collects", "comments", "shares"):
        daily.loc[late, col] = rng.integers(0, 10_000, late.sum())
    daily.loc[late, "ad_spend"] = rng.uniform(0, 1e5, late.sum())
    daily.loc[late, "store_visits"] = rng.integers(0, 500, late.sum())
    daily.loc[late, "link_clicks"] = rng.integers(0, 500, late.sum())

    inapp = out["inapp_orders"]
    late_orders = (inapp["order_time"] > inapp["note_id"].map(after)).to_numpy()
    inapp.loc[late_orders, "gmv"] = rng.uniform(0, 1e5, late_orders.sum())
    extra = inapp[late_orders].assign(order_id=lambda f: f["order_id"] + "x")
    out["inapp_orders"] = pd.concat([inapp, extra], ignore_index=True)

    offsite = out["offsite_orders"]
    offsite["gmv"] = rng.uniform(0, 1e5, len(offsite))
    out["offsite_orders"] = offsite.sample(frac=0.5, random_state=seed)

    notes = out["notes"]
    note_after = notes["note_id"].map(after)
    late_link = (notes["link_time"] > note_after).to_numpy()
    moved = note_after[late_link] + pd.to_timedelta(rng.integers(1, 500, late_link.sum()), "h")
    moved = moved.where(rng.random(late_link.sum()) < 0.5)  # half moved later, half removed
    notes.loc[late_link, "link_time"] = moved.to_numpy()
    never = notes["link_time"].isna().to_numpy() & (rng.random(len(notes)) < 0.3)
    notes.loc[never, "link_time"] = note_after[never] + pd.Timedelta(hours=1)
    return out


def test_no_feature_depends_on_a_notes_own_data_after_h(world_tables):
    notes = world_tables["notes"]
    reference = FeatureReference.fit(notes, world_tables["merchants"])
    cutoff = pd.Series(feature_cutoff(notes, H).to_numpy(), index=notes["note_id"])
    before = build_features(_data(world_tables), H, reference)
    changed = _scramble_after(world_tables, cutoff, seed=1)
    after = build_features(_data(changed), H, reference)
    pd.testing.assert_frame_equal(before, after)

    # The same scrambling one day earlier must move features: the test can see a leak.
    earlier = _scramble_after(world_tables, cutoff - pd.Timedelta(days=1), seed=1)
    moved = build_features(_data(earlier), H, reference)
    assert not moved["reads"].equals(before["reads"])


def test_no_feature_depends_on_anything_after_a_global_instant(world_tables):
    """Change every table after instant T: notes whose H hours ended by T keep every feature."""
    notes = world_tables["notes"]
    t_cut = notes["publish_time"].quantile(0.6)
    reference = FeatureReference.fit(notes, world_tables["merchants"])
    everywhere = pd.Series(t_cut, index=notes["note_id"])
    changed = _scramble_after(world_tables, everywhere, seed=2)
    rng = np.random.default_rng(3)
    # Merchants enrolling after T: enrol on another later day, or never.
    merchants = changed["merchants"]
    late = (merchants["enrolled_date"] > t_cut).to_numpy()
    later_day = pd.Series(t_cut.normalize() + pd.Timedelta(days=30), index=range(late.sum()))
    merchants.loc[late, "enrolled_date"] = later_day.where(rng.random(late.sum()) < 0.5).to_numpy()
    # Notes published after T: any attribute may differ.
    later = (changed["notes"]["publish_time"] > t_cut).to_numpy()
    changed["notes"].loc[later, "price"] = rng.uniform(1, 5_000, later.sum())
    changed["notes"].loc[later, "text_length"] = rng.integers(0, 3_000, later.sum())

    ready = (feature_cutoff(notes, H) <= t_cut).to_numpy()
    assert ready.sum() > 500
    before = build_features(_data(world_tables), H, reference)[ready]
    after = build_features(_data(changed), H, reference)[ready]
    pd.testing.assert_frame_equal(before, after)


def test_features_for_a_subset_equal_those_built_for_all(world_tables):
    notes = world_tables["notes"]
    reference = FeatureReference.fit(notes, world_tables["merchants"])
    all_notes = build_features(_data(world_tables), H, reference)
    subset = notes.sample(300, random_state=0)
    some = build_features(FeatureTables.of(_data(world_tables), subset), H, reference)
    pd.testing.assert_frame_equal(some, all_notes.loc[some.index])


def test_festival_share_counts_the_window_days_inside_the_festival():
    # 618 runs June 1-18 (config.FESTIVALS); a 14-day window from the publish day.
    publish = pd.Series(
        pd.to_datetime(
            [
                "2025-05-19 10:00",  # window May 19 - Jun 1: one festival day
                "2025-06-01 00:00",  # all 14 days inside
                "2025-06-17 23:30",  # Jun 17 and 18
                "2025-06-19 00:00",  # after the festival
                "2025-03-01 08:00",  # long before
            ]
        )
    )
    share = festival_share(publish, 14)
    np.testing.assert_allclose(share, [1 / 14, 1.0, 2 / 14, 0.0, 0.0])
    custom = festival_share(publish, 2, festivals=[(pd.Timestamp("2025-03-02").date(),) * 2])
    np.testing.assert_allclose(custom, [0.0, 0.0, 0.0, 0.0, 0.5])
    with pytest.raises(ValueError, match="window_days"):
        festival_share(publish, 0)
