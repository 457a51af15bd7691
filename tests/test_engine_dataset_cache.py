"""The on-disk dataset cache gives back the very frames load_dataset gives, and only for the
same files: changed files are a new entry, and a dataset that breaks the contract is never
stored."""

from __future__ import annotations

import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from redcat.data import DataContractError, load_dataset
from redcat.data import dataset as dataset_module
from redcat.data.dataset import DATASET_CACHE, load_dataset_cached


def _entries(root):
    folder = root / DATASET_CACHE
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_cached_load_is_identical_to_a_plain_load(small_world, tmp_path, monkeypatch):
    plain = load_dataset(small_world)
    monkeypatch.setattr(dataset_module, "CHUNK_ROWS", 1_000)  # tables written in several slices
    cold = load_dataset_cached(small_world, cache_root=tmp_path)
    assert len(_entries(tmp_path)) == 1

    def no_loading(*args, **kwargs):
        raise AssertionError("a warm load must not read and check the files again")

    monkeypatch.setattr(dataset_module, "load_dataset", no_loading)
    warm = load_dataset_cached(small_world, cache_root=tmp_path)
    for loaded in (cold, warm):
        assert loaded.fingerprint == plain.fingerprint and loaded.folder == plain.folder
        assert loaded.data_end == plain.data_end
        assert list(loaded.tables) == list(plain.tables)
        for name, frame in plain.tables.items():
            pd.testing.assert_frame_equal(loaded.table(name), frame, check_exact=True)


def test_changed_files_are_a_new_entry(small_world, tmp_path):
    folder = tmp_path / "world"
    shutil.copytree(small_world, folder)
    first = load_dataset_cached(folder, cache_root=tmp_path / "cache")
    notes = pq.read_table(folder / "notes.parquet").to_pandas()
    notes["price"] = notes["price"] + 1.0
    notes.to_parquet(folder / "notes.parquet", index=False)
    second = load_dataset_cached(folder, cache_root=tmp_path / "cache")
    assert len(_entries(tmp_path / "cache")) == 2
    difference = (second.notes["price"] - first.notes["price"]).to_numpy()
    assert abs(difference - 1.0).max() < 1e-9


def test_a_broken_dataset_raises_and_is_not_stored(small_world, tmp_path):
    folder = tmp_path / "world"
    shutil.copytree(small_world, folder)
    (folder / "creators.parquet").unlink()
    with pytest.raises(DataContractError, match="creators"):
        load_dataset_cached(folder, cache_root=tmp_path / "cache")
    assert _entries(tmp_path / "cache") == []
