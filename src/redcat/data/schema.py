"""The contract's per-table column rules as pandera schemas, and their failures as Problems.

Each schema is built from `redcat.contract` (never written by hand): dtype, nullability,
single-column uniqueness, lower bounds, strictly positive values, allowed values, and finite
floats. Validation is lazy, so every failure in a table is collected. Extra columns are allowed.
"""

from __future__ import annotations

import functools
import logging

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrorReason, SchemaErrors

from redcat.contract import TABLES, Column
from redcat.data.report import MAX_EXAMPLES, Problem, examples_at

log = logging.getLogger(__name__)

PANDAS_DTYPES = {
    "string": "str",
    "bool": "bool",
    "int": "int64",
    "float": "float64",
    "timestamp": "datetime64[ns]",
    "date": "datetime64[ns]",
}


@functools.cache
def table_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one contract table."""
    spec = TABLES[table]
    columns = {
        c.name: pa.Column(
            PANDAS_DTYPES[c.kind],
            checks=_checks(c),
            nullable=c.nullable,
            unique=c.unique,
            required=c.required,
            name=c.name,
        )
        for c in spec.columns
    }
    # Composite keys (note_id, date) are checked in `checks`, vectorized on integer codes:
    # pandera's DataFrameSchema(unique=[...]) hashes string tuples and takes ~7 s on 30M rows.
    return pa.DataFrameSchema(columns, strict=False, name=table)


def _checks(column: Column) -> list[pa.Check]:
    # Infinities are reported once, by "finite", not again by the bounds.
    is_float = column.kind == "float"
    checks = []
    if is_float:
        checks.append(_check(lambda s: np.isfinite(s), "finite"))
    if column.min_value is not None:
        low = column.min_value
        checks.append(
            _check(lambda s: (s >= low) | (np.isinf(s) if is_float else False), "min_value")
        )
    if column.positive:
        checks.append(_check(lambda s: (s > 0) | (np.isinf(s) if is_float else False), "positive"))
    if column.allowed is not None:
        checks.append(pa.Check.isin(column.allowed, name="allowed", n_failure_cases=MAX_EXAMPLES))
    return checks


def _check(fn, name: str) -> pa.Check:
    # Only a few failure cases are kept; the count comes from the check's full boolean output.
    return pa.Check(fn, name=name, n_failure_cases=MAX_EXAMPLES)


def schema_problems(
    table: str, frame: pd.DataFrame, bad_rows: dict[str, np.ndarray]
) -> list[Problem]:
    """Run the table's schema on a typed frame; every failure as a Problem.

    `bad_rows` marks values already reported as unconvertible (and so now null): they are not
    reported again as nulls, and their columns' dtypes are not blamed.
    """
    try:
        table_schema(table).validate(frame, lazy=True, inplace=True)
    except SchemaErrors as errors:
        problems = [_to_problem(table, frame, e, bad_rows) for e in errors.schema_errors]
        return [p for p in problems if p is not None]
    return []


def _to_problem(
    table: str, frame: pd.DataFrame, error: SchemaError, bad_rows: dict[str, np.ndarray]
) -> Problem | None:
    reason = error.reason_code
    column = error.column_name
    keys = [*TABLES[table].primary_key, column] if column else []

    if reason == SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME:
        missing = str(error.failure_cases)
        present = ", ".join(map(str, frame.columns)) or "none"
        return Problem(
            table,
            missing,
            "missing_column",
            1,
            f"required column is missing (the file has: {present})",
        )

    if reason == SchemaErrorReason.WRONG_DATATYPE:
        if column in bad_rows or frame[column].isna().any():
            return None  # a consequence of values already reported (or of nulls, reported next)
        return Problem(
            table,
            column,
            "type",
            len(frame),
            f"has dtype {frame[column].dtype}, expected {error.schema.dtype}",
        )

    rows = _failure_rows(error)
    if reason == SchemaErrorReason.SERIES_CONTAINS_NULLS:
        if column in bad_rows:
            rows = rows[~np.isin(rows, np.flatnonzero(bad_rows[column]))]
        if not len(rows):
            return None
        what = (
            "empty, null or NaN" if pd.api.types.is_float_dtype(frame[column]) else "empty or null"
        )
        return Problem(
            table,
            column,
            "not_null",
            len(rows),
            f"{len(rows):,} row(s) have no value ({what})",
            examples_at(frame, rows, keys),
        )

    if reason == SchemaErrorReason.SERIES_CONTAINS_DUPLICATES:
        repeated = frame[column].take(rows).nunique()
        return Problem(
            table,
            column,
            "unique",
            len(rows),
            f"{len(rows):,} rows share {repeated:,} value(s) that must be unique",
            examples_at(frame, rows, keys),
        )

    if reason == SchemaErrorReason.DATAFRAME_CHECK and error.check is not None:
        rule = error.check.name
        count = (
            int((~error.check_output.astype(bool)).sum())
            if error.check_output is not None
            else len(rows)
        )
        return Problem(
            table,
            column,
            rule,
            count,
            _check_message(rule, TABLES[table].column(column), count),
            examples_at(frame, rows, keys),
        )

    log.debug("unexpected pandera failure in %s: %s", table, error)
    rule = reason.name.lower() if reason is not None else "schema"
    return Problem(
        table,
        column,
        rule,
        max(len(rows), 1),
        str(error).splitlines()[0],
        examples_at(frame, rows, keys),
    )


def _failure_rows(error: SchemaError) -> np.ndarray:
    cases = error.failure_cases
    if isinstance(cases, pd.DataFrame) and "index" in cases:
        return cases["index"].dropna().to_numpy(dtype=np.int64)
    return np.array([], dtype=np.int64)


def _check_message(rule: str, column: Column, count: int) -> str:
    rows = f"{count:,} row(s)"
    if rule == "min_value":
        bound = f"{column.min_value:g}"
        return f"{rows} are negative" if column.min_value == 0 else f"{rows} are below {bound}"
    if rule == "positive":
        return f"{rows} are zero or negative (must be > 0)"
    if rule == "allowed":
        return f"{rows} have a value outside the allowed set: {', '.join(column.allowed or ())}"
    if rule == "finite":
        return f"{rows} are infinite"
    return f"{rows} fail {rule}"
