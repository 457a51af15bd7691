"""DuckDB's note_daily aggregation gives the very features the pandas/numpy code gave.

The reference below is the aggregation features.py used before the engines (a pandas index
lookup and bincount in the file's row order), kept verbatim so the comparison is with the old
numbers, not with a refactored copy of the new ones. Equality is exact (no tolerance): counts
are whole numbers and the money sums run in the same day order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redcat.data import load_dataset
from redcat.engine.signals import observed_rows
from redcat.features import (
    SUMMED_SIGNALS,
    TREND_SIGNALS,
    FeatureTables,
    build_features,
    daily_signals_by_cutoff,
    feature_cutoff,
)


def _day_number(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[ns]").astype("datetime64[D]").astype("int64")


def reference_signals(notes: pd.DataFrame, note_daily: pd.DataFrame, horizon_hours: int):
    """features.daily_signals_by_cutoff as it was before redcat.engine (commit 6040bfd)."""
    n = len(notes)
    publish_day = _day_number(notes["publish_time"])
    cutoff_day = _day_number(feature_cutoff(notes, horizon_hours))
    days_observed = np.maximum(cutoff_day - publish_day, 0)
    position = pd.Index(notes["note_id"]).get_indexer(note_daily["note_id"])
    date = _day_number(note_daily["date"])
    known = position >= 0
    position_known = np.where(known, position, 0)
    keep = known & (date >= publish_day[position_known]) & (date < cutoff_day[position_known])
    pos = position[keep]
    day = date[keep]
    first = day == publish_day[pos]
    last = (day == cutoff_day[pos] - 1) & ~first
    out = {"days_observed": days_observed.astype("float64")}
    for col in SUMMED_SIGNALS:
        values = note_daily[col].to_numpy("float64", na_value=0.0)[keep]
        out[col] = np.bincount(pos, weights=values, minlength=n)
        if col in TREND_SIGNALS:
            out[f"{col}_first_day"] = np.bincount(pos[first], weights=values[first], minlength=n)
            out[f"{col}_last_day"] = np.bincount(pos[last], weights=values[last], minlength=n)
    return pd.DataFrame(out, index=notes.index)


@pytest.fixture(scope="module")
def world(small_world):
    return load_dataset(small_world)


@pytest.mark.parametrize("horizon", [24, 72, 24 * 14])
@pytest.mark.parametrize("engine", ["duckdb", "numpy"])
def test_each_engine_matches_the_reference_exactly(world, engine, horizon):
    expected = reference_signals(world.notes, world.note_daily, horizon)
    got = daily_signals_by_cutoff(world.notes, world.note_daily, horizon, engine=engine)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_exact=True)
    assert expected["impressions"].sum() > 0 and expected["ad_spend"].sum() > 0


def test_duckdb_reads_the_parquet_file_directly_with_the_same_rows(world, small_world):
    from redcat.engine.signals import observed_rows_duckdb

    columns = list(SUMMED_SIGNALS)
    in_memory = observed_rows(world.notes, world.note_daily, 72, columns, engine="numpy")
    on_disk = observed_rows_duckdb(world.notes, small_world / "note_daily.parquet", 72, columns)
    key = lambda r: np.lexsort((r.day, r.position))  # noqa: E731
    a, b = key(in_memory), key(on_disk)
    assert len(on_disk) == len(in_memory) > 10_000
    np.testing.assert_array_equal(on_disk.position[b], in_memory.position[a])
    for col in columns:
        np.testing.assert_array_equal(on_disk.values[col][b], in_memory.values[col][a])


def test_features_do_not_depend_on_the_daily_tables_row_order(world):
    shuffled = world.note_daily.sample(frac=1.0, random_state=3).reset_index(drop=True)
    for engine in ("duckdb", "numpy"):
        got = daily_signals_by_cutoff(world.notes, shuffled, 72, engine=engine)
        want = daily_signals_by_cutoff(world.notes, world.note_daily, 72, engine=engine)
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_build_features_is_the_same_with_either_engine(world, monkeypatch):
    import redcat.engine.signals as signals

    tables = FeatureTables.of(world)
    monkeypatch.setattr(signals, "DUCKDB_MIN_ROWS", 0)
    with_duckdb = build_features(tables, 72)
    monkeypatch.setattr(signals, "DUCKDB_MIN_ROWS", 10**12)
    with_numpy = build_features(tables, 72)
    pd.testing.assert_frame_equal(with_duckdb, with_numpy, check_exact=True)


def test_an_unknown_engine_is_named(world):
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        daily_signals_by_cutoff(world.notes, world.note_daily, 72, engine="spark")
