"""The on-disk feature cache: a hit returns the very frame, any change of input is a miss."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

import redcat.features as features
from redcat.data import load_dataset
from redcat.engine import cache
from redcat.features import FeatureReference, FeatureTables, build_features


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder / cache.KIND


@pytest.fixture
def builds(monkeypatch):
    """Counts the times features are actually computed (not served from the cache)."""
    calls = []
    compute = features._compute_features

    def counted(*args, **kwargs):
        calls.append(args[1])
        return compute(*args, **kwargs)

    monkeypatch.setattr(features, "_compute_features", counted)
    return calls


@pytest.fixture(scope="module")
def world(small_world):
    return load_dataset(small_world)


def test_a_warm_call_is_a_hit_with_identical_frame(world, cache_dir, builds):
    cold = build_features(FeatureTables.of(world), 72)
    warm = build_features(FeatureTables.of(world), 72)
    assert builds == [72]
    assert len(list(cache_dir.glob("*.parquet"))) == 1
    pd.testing.assert_frame_equal(warm, cold, check_exact=True)
    assert list(warm.columns) == list(features.FEATURE_NAMES)
    assert isinstance(warm["industry"].dtype, pd.CategoricalDtype)


def test_parameters_notes_and_reference_are_part_of_the_key(world, cache_dir, builds):
    build_features(FeatureTables.of(world), 72)
    build_features(FeatureTables.of(world), 48)  # another H
    some = world.notes.iloc[:500]
    build_features(FeatureTables.of(world, some), 72)  # another set of notes
    reference = FeatureReference.fit(some, world.merchants)
    build_features(FeatureTables.of(world), 72, reference)  # another price yardstick
    edited = world.notes.assign(price=world.notes["price"] * 2)
    build_features(FeatureTables.of(world, edited), 72)  # same ids, other content
    assert builds == [72, 48, 72, 72, 72]
    build_features(FeatureTables.of(world, some), 72)
    build_features(FeatureTables.of(world), 48)
    assert len(builds) == 5  # both served from the cache
    assert len(list(cache_dir.glob("*.parquet"))) == 5


def test_new_feature_code_misses(world, cache_dir, builds, monkeypatch):
    build_features(FeatureTables.of(world), 72)
    monkeypatch.setattr(cache, "code_version", lambda *a: "another version of the code")
    build_features(FeatureTables.of(world), 72)
    assert builds == [72, 72]


def test_changed_data_misses_and_gives_the_new_values(small_world, tmp_path, cache_dir, builds):
    folder = tmp_path / "world"
    shutil.copytree(small_world, folder)
    before = build_features(FeatureTables.of(load_dataset(folder)), 72)
    daily = pq.read_table(folder / "note_daily.parquet").to_pandas()
    daily["reads"] = daily["reads"] + 1
    daily.to_parquet(folder / "note_daily.parquet", index=False)
    after = build_features(FeatureTables.of(load_dataset(folder)), 72)
    assert builds == [72, 72]
    observed = before["days_observed"] > 0
    assert (after["reads"] > before["reads"])[observed].all()


def test_tables_without_a_fingerprint_are_not_cached(world, cache_dir, builds):
    tables = FeatureTables.of(world)
    by_hand = FeatureTables(
        tables.notes, tables.note_daily, tables.inapp_orders, tables.creators, tables.merchants
    )
    build_features(by_hand, 72)
    build_features(by_hand, 72)
    assert builds == [72, 72]
    assert not cache_dir.exists()


def test_a_damaged_entry_is_rebuilt(world, cache_dir, builds):
    first = build_features(FeatureTables.of(world), 72)
    (entry,) = cache_dir.glob("*.parquet")
    entry.write_bytes(b"not parquet")
    again = build_features(FeatureTables.of(world), 72)
    assert builds == [72, 72]
    pd.testing.assert_frame_equal(again, first, check_exact=True)


def test_the_cache_keeps_only_the_newest_entries(tmp_path):
    store = cache.FeatureCache(tmp_path, max_entries=2)
    frame = pd.DataFrame({"x": [1.0]})
    for when, key in enumerate(("a", "b", "c")):
        os.utime(store.put(key, frame), (1_000 + when, 1_000 + when))
    store.put("d", frame)
    assert sorted(p.stem for p in store.folder.glob("*.parquet")) == ["c", "d"]
