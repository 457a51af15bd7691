"""Rules of one table that its pandera schema does not cover: no rows, and composite keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from redcat.contract import Table
from redcat.data.report import Problem, examples_at

NS_PER_DAY = 86_400 * 10**9


def table_problems(spec: Table, frame: pd.DataFrame) -> list[Problem]:
    problems = []
    if len(frame) == 0 and not spec.allow_empty:
        problems.append(
            Problem(
                spec.name,
                None,
                "empty_table",
                1,
                "has a header but no rows; nothing can be analysed without them",
            )
        )
    duplicate = composite_key_problem(spec, frame)
    if duplicate is not None:
        problems.append(duplicate)
    return problems


def composite_key_problem(spec: Table, frame: pd.DataFrame) -> Problem | None:
    """Rows that repeat a multi-column key such as (note_id, date).

    Done here rather than in pandera, whose DataFrameSchema(unique=[...]) hashes string tuples
    and takes several seconds on 30M rows. Each key part becomes a small int32 code (Arrow's
    dictionary encoding for ids, day numbers for dates). Rows usually arrive sorted by the key,
    which one pass over the codes proves (no duplicates possible); only otherwise are the
    parts packed into one int64 per row and sorted. Large temporaries are few on purpose: on
    30M rows each fresh int64 array is 240 MB.
    """
    key = spec.primary_key
    if len(key) < 2 or any(name not in frame for name in key):
        return None
    parts = [_codes(frame[name]) for name in key]
    if _strictly_increasing([codes for codes, _ in parts]):
        return None

    complete = np.ones(len(frame), dtype=bool)  # rows with a null key part are reported as nulls
    combined = np.zeros(len(frame), dtype=np.int64)
    for codes, cardinality in parts:
        complete &= codes >= 0
        combined *= cardinality
        combined += np.maximum(codes, 0)
    del parts
    rows = np.flatnonzero(complete)
    duplicated, repeated_keys = _duplicated(combined[rows])
    if not repeated_keys:
        return None
    positions = rows[duplicated]
    return Problem(
        spec.name,
        ",".join(key),
        "unique",
        len(positions),
        f"{len(positions):,} rows repeat {repeated_keys:,} ({', '.join(key)}) key(s) that must be unique",
        examples_at(frame, positions, key),
    )


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Each value as a small non-negative int32 (-1 for null), and how many codes there can be."""
    if pd.api.types.is_datetime64_any_dtype(values):
        times = values.to_numpy(dtype="datetime64[ns]")
        missing = np.isnat(times)
        if missing.all():
            return np.full(len(values), -1, dtype=np.int32), 1
        days = np.empty(len(values), dtype=np.int32)  # whole days since 1970: fit in int32
        np.floor_divide(times.view(np.int64), NS_PER_DAY, out=days, casting="unsafe")
        present = days[~missing] if missing.any() else days
        low, high = int(present.min()), int(present.max())
        days -= low
        days[missing] = -1
        return days, high - low + 1
    try:
        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        encoded = pc.dictionary_encode(array)  # a null stays null
        codes = pc.fill_null(encoded.indices, -1).to_numpy()
        return codes.astype(np.int32, copy=False), max(len(encoded.dictionary), 1)
    except (pa.ArrowException, TypeError):  # not Arrow-backed: pandas hashing
        codes, uniques = pd.factorize(values)
        return codes.astype(np.int32), max(len(uniques), 1)


def _strictly_increasing(parts: list[np.ndarray]) -> bool:
    """Whether rows are in strictly increasing key order (comparing parts left to right)."""
    if len(parts[0]) < 2:
        return True
    greater = np.zeros(len(parts[0]) - 1, dtype=bool)
    equal = np.ones(len(parts[0]) - 1, dtype=bool)
    for codes in parts:
        later, earlier = codes[1:], codes[:-1]
        greater |= equal & (later > earlier)
        equal &= later == earlier
    # A null part (-1) takes the slow path, which leaves null keys to the null check.
    return bool(greater.all()) and all(bool((codes >= 0).all()) for codes in parts)


def _duplicated(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """A mask of every key that occurs more than once, and how many distinct keys repeat."""
    if len(keys) < 2:
        return np.zeros(len(keys), dtype=bool), 0
    if (keys[1:] > keys[:-1]).all():
        return np.zeros(len(keys), dtype=bool), 0  # strictly increasing: the usual, sorted case
    order = None if (keys[1:] >= keys[:-1]).all() else np.argsort(keys, kind="stable")
    ordered = keys if order is None else keys[order]
    same = ordered[1:] == ordered[:-1]
    in_run = np.zeros(len(keys), dtype=bool)
    in_run[1:] |= same
    in_run[:-1] |= same
    run_starts = int(np.count_nonzero(same[1:] & ~same[:-1]) + (1 if same[0] else 0))
    if order is None:
        return in_run, run_starts
    duplicated = np.zeros(len(keys), dtype=bool)
    duplicated[order[in_run]] = True
    return duplicated, run_starts
