"""Features cached on disk, so re-running a notebook (or a kernel restart) does not rebuild them.

An entry is keyed by everything the features depend on:

- the dataset's fingerprint (the hash of its table files), which covers the daily tables,
  orders, creators and merchants as they were loaded;
- the notes the features are built for, hashed by content (a subset or an edited copy of the
  notes is a different entry);
- the parameters: horizon H and the price reference (fitted on the training notes);
- the code: a hash of the source of the modules that compute features.

So changing the data, a parameter or the feature code misses the cache and rebuilds; nothing is
ever invalidated by hand. Tables that did not come from a fingerprinted dataset (built by hand
in tests or scoring) are never cached. The folder is `REDCAT_CACHE_DIR`, else `data/.cache`;
it keeps the newest `MAX_ENTRIES` entries. Writes go to a temporary file renamed into place, so
two processes filling the same entry never leave a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from redcat.config import DATA_DIR

log = logging.getLogger(__name__)

CACHE_ENV = "REDCAT_CACHE_DIR"
KIND = "features"
MAX_ENTRIES = 32
# Modules whose source decides the features' values (a change there is a new code version).
FEATURE_MODULES = ("redcat.features", "redcat.engine.signals")


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV) or DATA_DIR / ".cache").resolve()


def code_version(modules: tuple[str, ...] = FEATURE_MODULES) -> str:
    """sha256 of the modules' source files, in order."""
    import importlib

    digest = hashlib.sha256()
    for name in modules:
        module = importlib.import_module(name)
        digest.update(name.encode() + b"\0" + Path(module.__file__).read_bytes() + b"\0")
    return digest.hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """A content hash of a frame's columns (names, dtypes and values, in row order)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}\0{column.dtype}\0".encode())
        digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def feature_key(
    fingerprint: str, notes: pd.DataFrame, parameters: dict[str, Any], code: str
) -> str:
    payload = json.dumps(
        {"data": fingerprint, "notes": frame_digest(notes), "parameters": parameters, "code": code},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class FeatureCache:
    """Parquet files of feature frames under `root/features/<key>.parquet`."""

    def __init__(self, root: Path | None = None, max_entries: int = MAX_ENTRIES):
        self.folder = (root or cache_root()) / KIND
        self.max_entries = max_entries

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.parquet"

    def get(self, key: str) -> pd.DataFrame | None:
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as err:  # a damaged entry is rebuilt, not trusted
            log.warning("feature cache entry %s unreadable (%s); rebuilding", path.name, err)
            return None
        os.utime(path)  # newest use, for pruning
        return frame

    def put(self, key: str, frame: pd.DataFrame) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=True)
        tmp.replace(path)
        self.prune()
        return path

    def prune(self) -> None:
        entries = sorted(self.folder.glob("*.parquet"), key=lambda p: p.stat().st_mtime)
        for stale in entries[: max(len(entries) - self.max_entries, 0)]:
            stale.unlink(missing_ok=True)

    def get_or_build(
        self,
        fingerprint: str | None,
        notes: pd.DataFrame,
        parameters: dict[str, Any],
        build: Callable[[], pd.DataFrame],
    ) -> pd.DataFrame:
        """The cached frame for these inputs, else `build()` (stored for next time)."""
        if not fingerprint:
            return build()
        key = feature_key(fingerprint, notes, parameters, code_version())
        cached = self.get(key)
        if cached is not None:
            log.info("features for %s notes from the cache (%s)", f"{len(cached):,}", key[:12])
            return cached
        frame = build()
        try:
            self.put(key, frame)
        except OSError as err:  # a read-only or full disk costs speed, never the run
            log.warning("could not cache features in %s: %s", self.folder, err)
        return frame
