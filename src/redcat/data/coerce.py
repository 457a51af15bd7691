"""Give each contract column its contract type, reporting the values that cannot have it.

Parquet columns arrive typed, often as a near type (int32, date32, dictionary strings,
tz-aware timestamps); CSV columns of the contract arrive as text. Either way each column is
converted here, at the Arrow level and vectorized, into one target type per kind. A value that
cannot be converted becomes null and is reported once, as a `type` problem with its row, so
the null check does not report it a second time.

Accepted, beyond the exact type: ints given as integral floats (3.0); bools as
true/false/1/0 in any case; timestamps and dates as ISO text; dates as date32/date64 or as
timestamps at midnight; tz-aware timestamps, converted to Beijing time and made naive; the
text tokens NA, N/A, NaN, null, None, NaT (any case) as missing in non-text columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from redcat.contract import Column, Table
from redcat.data.read import TableColumns
from redcat.data.report import MAX_EXAMPLES, Problem, plain

LOCAL_TZ = "Asia/Shanghai"  # the contract's times are Beijing local time
NS_PER_DAY = 86_400 * 10**9
INT64_MAX = np.iinfo(np.int64).max

TARGET_TYPES: dict[str, pa.DataType] = {
    "string": pa.large_string(),  # becomes pandas' default "str" dtype
    "bool": pa.bool_(),
    "int": pa.int64(),
    "float": pa.float64(),
    "timestamp": pa.timestamp("ns"),
    "date": pa.timestamp("ns"),
}
KIND_WORDS = {
    "string": "text",
    "bool": "true/false (accepted: true, false, 1, 0)",
    "int": "whole numbers",
    "float": "numbers",
    "timestamp": "ISO timestamps (YYYY-MM-DD hh:mm:ss)",
    "date": "ISO dates (YYYY-MM-DD, no time of day)",
}
NULL_TOKENS = pa.array(["", "na", "n/a", "nan", "null", "none", "nat"], pa.large_string())
TRUE_TOKENS = pa.array(["true", "1"], pa.large_string())
FALSE_TOKENS = pa.array(["false", "0"], pa.large_string())
# A time of day followed by Z or a UTC offset: such text is converted to Beijing time.
UTC_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$")


class WrongType(Exception):
    """The column's stored type cannot hold the contract's kind at all (e.g. bool for money)."""


@dataclass(frozen=True)
class Coerced:
    values: pa.ChunkedArray  # of TARGET_TYPES[kind]
    bad: np.ndarray | None  # True where a present value could not be converted (now null)
    problem: Problem | None


def typed_frame(
    spec: Table, raw: TableColumns
) -> tuple[pd.DataFrame, list[Problem], dict[str, np.ndarray]]:
    """The table as a pandas frame with contract types; extra columns kept as read.

    Columns are converted one at a time and each Arrow column is released once it is in
    pandas, which keeps peak memory near the size of the typed frame. Returns the frame, the
    type problems, and per column the rows already reported as bad.
    """
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for position, name in enumerate(raw.column_names):
        first.setdefault(name, position)
    for name in first:
        copies = raw.column_names.count(name)
        if copies > 1:
            problems.append(
                Problem(
                    spec.name,
                    name,
                    "duplicate_column",
                    copies,
                    f"appears {copies} times in the header; the first is used",
                )
            )

    columns: dict[str, pd.Series] = {}
    bad_rows: dict[str, np.ndarray] = {}
    for column in spec.columns:
        if column.name not in first:
            continue  # reported as missing by the schema check, if required
        result = coerce_column(spec.name, column, raw.column(first[column.name]))
        columns[column.name] = result.values.to_pandas()
        if result.problem is not None:
            problems.append(result.problem)
            bad_rows[column.name] = result.bad
    contract_names = set(spec.column_names)
    for name, position in first.items():
        if name not in contract_names:
            columns[name] = raw.column(position).to_pandas()

    # copy=False keeps one block per column: no consolidation copy of the whole table.
    frame = pd.DataFrame(columns, index=pd.RangeIndex(raw.num_rows), copy=False)
    return frame, problems, bad_rows


def coerce_column(table: str, column: Column, raw: pa.ChunkedArray) -> Coerced:
    target = TARGET_TYPES[column.kind]
    if pa.types.is_null(raw.type):  # an all-empty column: nulls of the right type
        return Coerced(pa.chunked_array([pa.nulls(len(raw), target)], target), None, None)
    if pa.types.is_dictionary(raw.type):
        raw = raw.cast(raw.type.value_type)
    try:
        values, bad = CONVERTERS[column.kind](raw)
    except WrongType:
        present = _np_mask(pc.is_valid(raw))
        count = int(present.sum())
        problem = Problem(
            table,
            column.name,
            "type",
            count,
            f"stored as {raw.type}, which cannot hold {KIND_WORDS[column.kind]}",
            _raw_examples(raw, column.name, present),
        )
        nulls = pa.chunked_array([pa.nulls(len(raw), target)], target)
        return Coerced(nulls, present, problem if count else None)
    if bad is None or not bad.any():
        return Coerced(values, None, None)
    problem = Problem(
        table,
        column.name,
        "type",
        int(bad.sum()),
        f"{int(bad.sum()):,} value(s) are not {KIND_WORDS[column.kind]}",
        _raw_examples(raw, column.name, bad),
    )
    return Coerced(values, bad, problem)


# --- one converter per kind: raw Arrow column -> (target-typed column, bad-value mask) -------


def _to_string(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, None]:
    t = raw.type
    if (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_string_view(t)
        or pa.types.is_integer(t)
    ):
        return raw.cast(pa.large_string()), None
    raise WrongType


def _to_int(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    t = raw.type
    if pa.types.is_integer(t):
        if t == pa.uint64():
            too_big = _np_mask(pc.greater(raw, INT64_MAX))
            return _with_nulls(raw, too_big).cast(pa.int64()), too_big
        return raw.cast(pa.int64()), None
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return _integral(raw.cast(pa.float64()))
    if _is_text(t):
        try:
            return raw.cast(pa.int64()), None  # fast path: clean text
        except pa.ArrowInvalid:
            numbers, not_numbers = _parse_numbers(raw)
            ints, not_whole = _integral(numbers)
            return ints, not_numbers | not_whole
    raise WrongType


def _to_float(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    t = raw.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return raw.cast(pa.float64()), None
    if _is_text(t):
        try:
            return raw.cast(pa.float64()), None  # fast path: clean text
        except pa.ArrowInvalid:
            return _parse_numbers(raw)
    raise WrongType


def _to_bool(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    t = raw.type
    if pa.types.is_boolean(t):
        return raw, None
    if pa.types.is_integer(t):
        is_true, is_false = pc.equal(raw, 1), pc.equal(raw, 0)
    elif _is_text(t):
        text, _ = _clean_text(raw)
        lower = pc.utf8_lower(text)
        is_true, is_false = pc.is_in(lower, TRUE_TOKENS), pc.is_in(lower, FALSE_TOKENS)
        raw = text  # null tokens are nulls, not bad values
    else:
        raise WrongType
    known = pc.or_(pc.fill_null(is_true, False), pc.fill_null(is_false, False))
    bad = _np_mask(pc.and_(pc.is_valid(raw), pc.invert(known)))
    values = pc.if_else(known, pc.fill_null(is_true, False), pa.scalar(None, pa.bool_()))
    return values, bad


def _to_timestamp(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    t = raw.type
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            raw = pc.local_timestamp(raw.cast(pa.timestamp(t.unit, tz=LOCAL_TZ)))
        return _to_ns(raw)
    if pa.types.is_date(t):
        try:
            return raw.cast(pa.timestamp("ns")), None  # one cast, unless a date is past 2262
        except pa.ArrowInvalid:
            return _to_ns(raw.cast(pa.timestamp("s")))
    if _is_text(t):
        try:
            return raw.cast(pa.timestamp("ns")), None  # fast path: clean naive ISO text
        except pa.ArrowInvalid:
            return _parse_times(raw)
    raise WrongType


def _to_date(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    values, bad = _to_timestamp(raw)
    if pa.types.is_date(raw.type):
        return values, bad  # whole days by construction: skip the time-of-day pass
    ns = _np_ints(values)
    with_time = _np_mask(pc.is_valid(values)) & (ns % NS_PER_DAY != 0)
    if not with_time.any():
        return values, bad
    bad = with_time if bad is None else bad | with_time
    return _with_nulls(values, with_time), bad


CONVERTERS = {
    "string": _to_string,
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "timestamp": _to_timestamp,
    "date": _to_date,
}


# --- helpers ---------------------------------------------------------------------------------


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _np_mask(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow boolean column as a numpy bool array, null counting as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_ints(values: pa.ChunkedArray) -> np.ndarray:
    """Integer (or timestamp) values as exact int64, null counting as 0."""
    return pc.fill_null(values.cast(pa.int64()), 0).to_numpy()


def _with_nulls(values: pa.ChunkedArray, mask: np.ndarray) -> pa.ChunkedArray:
    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)


def _clean_text(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Text stripped of surrounding blanks, with null tokens made null; and where it is null."""
    text = pc.utf8_trim_whitespace(raw.cast(pa.large_string()))
    is_null = pc.or_(pc.is_null(text), pc.is_in(pc.utf8_lower(text), NULL_TOKENS))
    text = pc.if_else(is_null, pa.scalar(None, pa.large_string()), text)
    return text, _np_mask(is_null)


def _parse_numbers(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    text, is_null = _clean_text(raw)
    numbers = pd.to_numeric(text.to_pandas(), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~is_null & np.isnan(numbers)
    return pa.chunked_array([pa.array(numbers, pa.float64(), from_pandas=True)]), bad


def _integral(numbers: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Floats as int64 where they are whole; the rest null and, unless NaN/null, bad."""
    values = numbers.to_numpy()  # nulls become NaN
    missing = np.isnan(values)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2.0**63)
    ints = np.where(whole, values, 0).astype(np.int64)
    return pa.chunked_array([pa.array(ints, pa.int64(), mask=~whole)]), ~missing & ~whole


def _to_ns(values: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    """A naive timestamp column at nanosecond resolution; values beyond 1677-2262 are bad."""
    try:
        return values.cast(pa.timestamp("ns")), None
    except pa.ArrowInvalid:
        per_unit = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[values.type.unit]
        counts = _np_ints(values)
        bad = _np_mask(pc.is_valid(values)) & (np.abs(counts) > INT64_MAX // per_unit)
        ok = _np_mask(pc.is_valid(values)) & ~bad
        ns = np.where(ok, counts, 0) * per_unit
        array = pa.array(ns, pa.int64(), mask=~ok).cast(pa.timestamp("ns"))
        return pa.chunked_array([array]), bad


def _parse_times(raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """ISO text to naive Beijing timestamps; text with Z or an offset is converted."""
    text, is_null = _clean_text(raw)
    strings = text.to_pandas()
    aware = strings.str.contains(UTC_OFFSET, na=False).to_numpy(dtype=bool)
    parsed = pd.Series(pd.NaT, index=strings.index, dtype="datetime64[us]")
    for group in (~aware, aware):
        if group.any():
            parsed[group] = _parse_iso(strings[group])
    values, out_of_range = _to_ns(pa.chunked_array([pa.array(parsed, pa.timestamp("us"))]))
    bad = ~is_null & parsed.isna().to_numpy()
    if out_of_range is not None:
        bad |= out_of_range
    return values, bad


def _parse_iso(strings: pd.Series) -> pd.Series:
    """Vectorized when the text is all naive or all with an offset; else one value at a time
    (only for text already known to be broken, since clean text took Arrow's fast path)."""
    try:
        times = pd.to_datetime(strings, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):  # naive and offset text mixed in a way the pattern missed
        times = strings.map(_parse_one).astype("datetime64[us]")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    return times.astype("datetime64[us]")


def _parse_one(text: str) -> pd.Timestamp:
    try:
        stamp = pd.to_datetime(text, format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return stamp.tz_convert(LOCAL_TZ).tz_localize(None) if stamp.tz is not None else stamp


def _raw_examples(raw: pa.ChunkedArray, name: str, mask: np.ndarray) -> tuple[dict, ...]:
    """Example rows of bad values, showing the value as it was stored."""
    positions = np.flatnonzero(mask)[:MAX_EXAMPLES]
    shown = raw.take(pa.array(positions, pa.int64())).to_pylist()
    return tuple({"row": int(p) + 1, name: plain(v)} for p, v in zip(positions, shown, strict=True))
