"""A validated dataset: one typed frame per contract table, its folder and its fingerprint."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from redcat.contract import TABLE_ORDER, TABLES
from redcat.data.fingerprint import fingerprint_dataset
from redcat.data.report import DataContractError
from redcat.data.validate import inspect_folder

log = logging.getLogger(__name__)

DAILY_TABLES = ("note_daily", "merchant_daily")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Typed frames of a dataset that meets the contract.

    Strings are pandas "str", bools bool, counts int64, money float64, timestamps and dates
    datetime64[ns] (naive Beijing time; dates at midnight; NaT where nullable and empty).
    Contract columns come first, in contract order, then any extra columns as read. A table
    not loaded (see `load_dataset(tables=...)`) is None.
    """

    folder: Path
    fingerprint: str
    merchants: pd.DataFrame | None = None
    creators: pd.DataFrame | None = None
    notes: pd.DataFrame | None = None
    note_daily: pd.DataFrame | None = None
    inapp_orders: pd.DataFrame | None = None
    offsite_orders: pd.DataFrame | None = None
    merchant_daily: pd.DataFrame | None = None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The loaded tables by name, in contract order."""
        return {name: frame for name in TABLE_ORDER if (frame := getattr(self, name)) is not None}

    def table(self, name: str) -> pd.DataFrame:
        frame = getattr(self, name) if name in TABLES else None
        if frame is None:
            raise KeyError(f"table {name!r} was not loaded from {self.folder}")
        return frame

    @cached_property
    def data_end(self) -> pd.Timestamp | None:
        """The data's last day (midnight): the latest date of the daily tables, or, when none
        is loaded, the day of the latest timestamp seen. None for a dataset without any."""
        tables = self.tables
        daily = [tables[t]["date"].max() for t in DAILY_TABLES if t in tables]
        candidates = [d for d in daily if pd.notna(d)]
        if not candidates:
            for name, frame in tables.items():
                for column in TABLES[name].columns:
                    if column.kind in ("timestamp", "date") and column.name in frame:
                        latest = frame[column.name].max()
                        if pd.notna(latest):
                            candidates.append(latest)
        return pd.Timestamp(max(candidates)).normalize() if candidates else None


def load_dataset(folder: str | Path, tables: Iterable[str] | None = None) -> Dataset:
    """Read and check a dataset folder; the typed tables, or DataContractError with every problem.

    `tables` loads only those tables, plus the parent tables their foreign keys need (which are
    checked and returned too); the other attributes are None. The fingerprint always covers
    all the folder's table files, so it does not depend on which tables were loaded.
    """
    frames, report = inspect_folder(folder, tables)
    if not report.ok:
        raise DataContractError(report)
    dataset = Dataset(
        folder=Path(folder).resolve(), fingerprint=fingerprint_dataset(folder), **frames
    )
    log.info(
        "loaded %s (%s)", dataset.folder, ", ".join(f"{n} {len(f):,}" for n, f in frames.items())
    )
    return dataset


# Modules whose code decides what a loaded table holds (a change there is a new cache entry).
LOADER_MODULES = (
    "redcat.contract",
    "redcat.data.read",
    "redcat.data.coerce",
    "redcat.data.schema",
    "redcat.data.checks",
    "redcat.data.relations",
    "redcat.data.validate",
    "redcat.data.dataset",
)
DATASET_CACHE = "datasets"
MAX_CACHED_DATASETS = 3
COMPLETE = "complete.json"
CHUNK_ROWS = 1_000_000


def load_dataset_cached(
    folder: str | Path, fingerprint: str | None = None, cache_root: Path | None = None
) -> Dataset:
    """`load_dataset(folder)` through an on-disk copy of its typed, checked tables.

    The first load reads, types and checks the files as usual and stores the frames
    (lz4-compressed Arrow files) under the cache folder, keyed by the files' fingerprint and the
    loader's code; a later load of the same files (the next notebook of a run, a restarted
    kernel) reads them back in seconds instead of typing and checking them again. A broken
    dataset is never stored: load_dataset raises before. The cache folder is REDCAT_CACHE_DIR,
    else data/.cache (see redcat.engine.cache); only the newest entries are kept.
    """
    from redcat.engine.cache import cache_root as default_root
    from redcat.engine.cache import code_version

    fingerprint = fingerprint or fingerprint_dataset(folder)
    key = hashlib.sha256(f"{fingerprint}\0{code_version(LOADER_MODULES)}".encode()).hexdigest()
    entry = (cache_root or default_root()) / DATASET_CACHE / key
    if (entry / COMPLETE).is_file():
        try:
            frames = {
                name: feather.read_table(entry / f"{name}.arrow").to_pandas(
                    ignore_metadata=True, split_blocks=True, self_destruct=True
                )
                for name in json.loads((entry / COMPLETE).read_text())["tables"]
            }
        except (OSError, ValueError, pa.ArrowException) as err:
            log.warning("dataset cache entry %s unreadable (%s); loading the files", key, err)
        else:
            os.utime(entry / COMPLETE)
            log.info("loaded %s from the dataset cache (%s)", folder, key[:12])
            return Dataset(folder=Path(folder).resolve(), fingerprint=fingerprint, **frames)
    dataset = load_dataset(folder)
    try:
        _store(dataset, entry)
    except (OSError, ValueError, pa.ArrowException) as err:  # costs speed, never the run
        log.warning("could not cache the dataset in %s: %s", entry, err)
    return dataset


def _store(dataset: Dataset, entry: Path) -> None:
    tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for name, frame in dataset.tables.items():
            _write_arrow(frame, tmp / f"{name}.arrow")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / COMPLETE).write_text(json.dumps({"tables": list(dataset.tables)}))
    try:
        tmp.rename(entry)
    except OSError:  # another process stored the same entry first
        shutil.rmtree(tmp, ignore_errors=True)
    entries = sorted(
        (e for e in entry.parent.iterdir() if (e / COMPLETE).is_file()),
        key=lambda e: (e / COMPLETE).stat().st_mtime,
    )
    for stale in entries[: max(len(entries) - MAX_CACHED_DATASETS, 0)]:
        shutil.rmtree(stale, ignore_errors=True)


def _write_arrow(frame: pd.DataFrame, path: Path) -> None:
    """An Arrow IPC (Feather v2) file written a slice of rows at a time, so that storing a
    30M-row table never holds a second full copy of it in memory."""
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    schema = None
    with pa.OSFile(str(path), "wb") as sink:
        writer = None
        for start in range(0, max(len(frame), 1), CHUNK_ROWS):
            part = frame.iloc[start : start + CHUNK_ROWS]
            batch = pa.RecordBatch.from_pandas(part, schema=schema, preserve_index=False)
            if writer is None:
                schema = batch.schema
                writer = pa.ipc.new_file(sink, schema, options=options)
            writer.write_batch(batch)
        writer.close()
