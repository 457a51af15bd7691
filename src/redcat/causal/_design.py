"""Covariates as a numeric matrix, with categorical columns one-hot encoded."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def design_matrix(
    df: pd.DataFrame,
    covariates: list[str],
    categorical: Iterable[str] = (),
    *,
    drop_first: bool = False,
) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """Covariates as a float matrix, and which matrix columns each covariate became.

    Numeric columns are kept (NaN allowed: LightGBM handles it), bools become 0/1, text or
    category columns and those named in `categorical` are one-hot encoded. Regressions with an
    intercept need `drop_first=True` (one level left out), trees do not.
    """
    categorical = set(categorical)
    parts: list[pd.DataFrame] = []
    groups: dict[str, list[int]] = {}
    position = 0
    for col in covariates:
        series = df[col]
        is_numeric = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
        if col in categorical or not is_numeric:
            part = pd.get_dummies(
                series.astype("string"),
                prefix=col,
                dummy_na=bool(series.isna().any()),
                drop_first=drop_first,
            ).astype(float)
        else:
            part = series.astype(float).to_frame(col)
        parts.append(part)
        groups[col] = list(range(position, position + part.shape[1]))
        position += part.shape[1]
    matrix = pd.concat(parts, axis=1)
    matrix.index = df.index
    return matrix, groups
