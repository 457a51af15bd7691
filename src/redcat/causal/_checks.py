"""Input checks shared by the estimators: fail fast, naming the column and the problem."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def require_frame(df: object, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise ValueError(f"{name} has no rows")
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str], role: str) -> None:
    """Every column exists; the error lists the missing ones and what they were for."""
    columns = list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{role} column(s) {missing} not in the data; available: {list(df.columns)[:20]}"
        )
    if len(set(columns)) != len(columns):
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        raise ValueError(f"{role} column(s) {dupes} given more than once")


def require_numeric(df: pd.DataFrame, column: str, role: str, *, allow_missing: bool = False):
    """A numeric (or bool) column without missing values unless allowed; returns it as float."""
    series = df[column]
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(float)
    if not pd.api.types.is_numeric_dtype(series):
        raise ValueError(f"{role} column '{column}' must be numeric, got dtype {series.dtype}")
    values = series.to_numpy(dtype=float, na_value=np.nan)
    if not allow_missing and np.isnan(values).any():
        raise ValueError(
            f"{role} column '{column}' has {int(np.isnan(values).sum())} missing value(s)"
        )
    if np.isinf(values).any():
        raise ValueError(f"{role} column '{column}' has infinite value(s)")
    return values


def require_binary(df: pd.DataFrame, column: str, role: str = "treatment") -> np.ndarray:
    """A 0/1 (or bool) column without missing values; returns it as an int array."""
    values = require_numeric(df, column, role)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        examples = sorted(set(values[bad].tolist()))[:5]
        raise ValueError(f"{role} column '{column}' must be 0/1, found values {examples}")
    return values.astype(int)


def require_both_groups(
    treatment: np.ndarray, column: str, *, min_each: int = 1, what: str = "units"
) -> None:
    n_treated = int(treatment.sum())
    n_control = int(len(treatment) - n_treated)
    if n_treated < min_each:
        raise ValueError(
            f"treatment column '{column}' has {n_treated} treated {what}; need at least {min_each}"
        )
    if n_control < min_each:
        raise ValueError(
            f"treatment column '{column}' has {n_control} control {what}; need at least {min_each}"
        )


def require_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def require_choice(value: object, name: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return str(value)


def as_list(columns: str | Iterable[str] | None) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)
