"""A validated dataset: one typed frame per contract table, its folder and its fingerprint."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

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
