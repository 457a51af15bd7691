"""The note_daily rows each note has observed by its cutoff, and their sums per note.

Two steps, so every engine gives the same numbers to the last bit:

1. *select* the rows of days that were over by each note's cutoff (publish day <= date <
   floor(cutoff)), tagged with the note's position in `notes`. This is the heavy part (tens of
   millions of rows joined to a million notes by id). DuckDB does it as a parallel hash join
   on the frame in memory or straight on the parquet file (reading only the columns needed);
   numpy does it with a pandas index lookup when the table is small; Dask does it partition
   by partition (`redcat.engine.dask_path`).
2. *sum* them per note with numpy in one canonical order (by note position, then day), so the
   floating-point sums do not depend on the engine, the thread count or the file's row order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

log = logging.getLogger(__name__)

# Below this many daily rows the numpy lookup is as fast as starting a DuckDB query.
DUCKDB_MIN_ROWS = 500_000
EPOCH = "DATE '1970-01-01'"


@dataclass(frozen=True)
class ObservedRows:
    """Daily rows observed by the cutoff: note position, day number and the signal values."""

    position: np.ndarray  # int64, index into `notes`
    day: np.ndarray  # int64, days since 1970-01-01
    values: dict[str, np.ndarray]  # float64, nulls as 0

    def __len__(self) -> int:
        return len(self.position)

    @classmethod
    def concat(cls, parts: Sequence[ObservedRows], columns: Sequence[str]) -> ObservedRows:
        def join(arrays: list[np.ndarray], dtype: str) -> np.ndarray:
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

        return cls(
            position=join([p.position for p in parts], "int64"),
            day=join([p.day for p in parts], "int64"),
            values={c: join([p.values[c] for p in parts], "float64") for c in columns},
        )


def day_number(values: pd.Series) -> np.ndarray:
    """Whole days since the epoch for timestamps (floored) or dates."""
    return values.to_numpy("datetime64[ns]").astype("datetime64[D]").astype("int64")


def note_windows(notes: pd.DataFrame, horizon_hours: int) -> tuple[np.ndarray, np.ndarray]:
    """Per note: its publish day and the first day not over by its cutoff (publish + H)."""
    publish_day = day_number(notes["publish_time"])
    cutoff = notes["publish_time"] + pd.Timedelta(hours=horizon_hours)
    return publish_day, day_number(cutoff)


def observed_rows_numpy(
    notes: pd.DataFrame, note_daily: pd.DataFrame, horizon_hours: int, columns: Sequence[str]
) -> ObservedRows:
    """Select the observed rows with a pandas index lookup (fine for small tables)."""
    return select_observed(note_keys(notes, horizon_hours).to_pandas(), note_daily, columns)


def select_observed(
    keys: pd.DataFrame, note_daily: pd.DataFrame, columns: Sequence[str]
) -> ObservedRows:
    """The rows of `note_daily` observed by their note's cutoff, given the `note_keys` (also
    what each Dask partition runs)."""
    found = pd.Index(keys["note_id"]).get_indexer(note_daily["note_id"])
    date = day_number(note_daily["date"])
    known = found >= 0
    safe = np.where(known, found, 0)
    publish_day = keys["publish_day"].to_numpy("int64")[safe]
    cutoff_day = keys["cutoff_day"].to_numpy("int64")[safe]
    keep = known & (date >= publish_day) & (date < cutoff_day)
    return ObservedRows(
        position=keys["pos"].to_numpy("int64")[safe][keep],
        day=date[keep],
        values={c: note_daily[c].to_numpy("float64", na_value=0.0)[keep] for c in columns},
    )


def note_keys(notes: pd.DataFrame, horizon_hours: int) -> pa.Table:
    """The notes side of the join: id, position, publish day, cutoff day."""
    publish_day, cutoff_day = note_windows(notes, horizon_hours)
    return pa.table(
        {
            "note_id": pa.array(notes["note_id"].astype(str).to_numpy(dtype=object), pa.string()),
            "pos": np.arange(len(notes), dtype="int64"),
            "publish_day": publish_day,
            "cutoff_day": cutoff_day,
        }
    )


def observed_rows_duckdb(
    notes: pd.DataFrame,
    note_daily: pd.DataFrame | str | Path,
    horizon_hours: int,
    columns: Sequence[str],
    threads: int | None = None,
) -> ObservedRows:
    """Select the observed rows with DuckDB: a frame in memory, or a parquet file or folder
    read directly (only `note_id`, `date` and `columns` are read)."""
    import duckdb

    config = {"threads": threads} if threads else {}
    with duckdb.connect(config=config) as con:
        con.register("note_keys", note_keys(notes, horizon_hours))
        if isinstance(note_daily, pd.DataFrame):
            con.register("daily", note_daily[["note_id", "date", *columns]])
            source = "daily"
        else:
            path = Path(note_daily)
            pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
            source = f"read_parquet('{_quote(pattern)}')"
        values = ", ".join(f'COALESCE(d."{c}", 0)::DOUBLE AS "{c}"' for c in columns)
        query = f"""
            WITH d AS (
                SELECT note_id, (CAST(date AS DATE) - {EPOCH})::BIGINT AS day, {", ".join(f'"{c}"' for c in columns)}
                FROM {source}
            )
            SELECT k.pos AS pos, d.day AS day, {values}
            FROM d JOIN note_keys k ON d.note_id = k.note_id
            WHERE d.day >= k.publish_day AND d.day < k.cutoff_day
        """  # noqa: S608 (identifiers come from the contract, not from user input)
        result = con.execute(query).fetchnumpy()
    return ObservedRows(
        position=np.asarray(result["pos"], dtype="int64"),
        day=np.asarray(result["day"], dtype="int64"),
        values={c: np.asarray(result[c], dtype="float64") for c in columns},
    )


def _quote(text: str) -> str:
    return text.replace("'", "''")


def observed_rows(
    notes: pd.DataFrame,
    note_daily: pd.DataFrame,
    horizon_hours: int,
    columns: Sequence[str],
    engine: str = "auto",
    source: Path | None = None,
) -> ObservedRows:
    """The observed rows by the engine asked for: "duckdb", "numpy", "dask" or "auto".

    "auto" uses the run's Dask cluster when one is active and the table's parquet `source` is
    known (the workers read it), else DuckDB on large tables and numpy on small ones.
    """
    from redcat.engine.cluster import current_client

    client = current_client()
    if engine == "auto":
        on_disk = source is not None and Path(source).suffix == ".parquet" and Path(source).exists()
        if client is not None and on_disk:
            engine = "dask"
        else:
            engine = "duckdb" if len(note_daily) >= DUCKDB_MIN_ROWS else "numpy"
    if engine == "dask":
        from redcat.engine.dask_path import observed_rows_dask, read_note_daily

        if client is None or source is None:
            raise ValueError("the dask engine needs an active cluster and the parquet source")
        daily = read_note_daily(source, columns)
        return observed_rows_dask(notes, daily, horizon_hours, columns, client)
    if engine == "duckdb":
        return observed_rows_duckdb(notes, note_daily, horizon_hours, columns)
    if engine == "numpy":
        return observed_rows_numpy(notes, note_daily, horizon_hours, columns)
    raise ValueError(f"unknown engine {engine!r}: expected 'auto', 'duckdb' or 'numpy'")


def sum_by_note(
    rows: ObservedRows,
    publish_day: np.ndarray,
    cutoff_day: np.ndarray,
    summed: Sequence[str],
    trend: Sequence[str],
) -> dict[str, np.ndarray]:
    """Per note: each summed signal over its observed days, plus the publish-day and last-day
    values of the trend signals, and the days observed. Sums run note by note in day order."""
    n = len(publish_day)
    order = np.lexsort((rows.day, rows.position))
    pos, day = rows.position[order], rows.day[order]
    first = day == publish_day[pos]
    last = (day == cutoff_day[pos] - 1) & ~first
    out: dict[str, np.ndarray] = {
        "days_observed": np.maximum(cutoff_day - publish_day, 0).astype("float64")
    }
    for col in summed:
        values = rows.values[col][order]
        out[col] = np.bincount(pos, weights=values, minlength=n)
        if col in trend:
            out[f"{col}_first_day"] = np.bincount(pos[first], weights=values[first], minlength=n)
            out[f"{col}_last_day"] = np.bincount(pos[last], weights=values[last], minlength=n)
    return out
