"""The heavy stages on Dask: the same functions serve one machine (client None) and a cluster.

- `read_note_daily`: note_daily as a dask.dataframe straight from parquet: the contract's
  `note_daily.parquet` (one partition per row group) or a folder of parquet parts;
- `observed_rows_dask`: each partition selects its rows observed by the notes' cutoffs on the
  workers (the notes' keys are sent once); only those rows (days up to H, a small share of the
  table) come back, and `redcat.engine.signals.sum_by_note` sums them in the one canonical
  order, so the features equal the single-machine ones bit for bit;
- `fit_lgbm` / `predict`: LightGBM's own Dask estimators (data-parallel training across the
  workers) and scoring partition by partition on the workers; with no client, the ordinary
  LightGBM estimators on this machine.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from redcat.engine.signals import ObservedRows, note_keys, select_observed

log = logging.getLogger(__name__)

LABEL = "__label__"


def read_note_daily(path: str | Path, columns: Sequence[str]):
    """note_daily from parquet as a dask.dataframe (only `note_id`, `date` and `columns`)."""
    import dask.dataframe as dd

    path = Path(path)
    source = str(path / "*.parquet") if path.is_dir() else str(path)
    return dd.read_parquet(source, columns=["note_id", "date", *columns], split_row_groups=True)


def _select_partition(
    part: pd.DataFrame, keys: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    rows = select_observed(keys, part, columns)
    return pd.DataFrame({"pos": rows.position, "day": rows.day, **rows.values})


def observed_rows_dask(
    notes: pd.DataFrame,
    daily: Any,
    horizon_hours: int,
    columns: Sequence[str],
    client: Any,
) -> ObservedRows:
    """The observed rows of a dask.dataframe `daily`, selected on the cluster's workers."""
    import dask

    keys = dask.delayed(note_keys(notes, horizon_hours).to_pandas(), pure=True)
    meta = pd.DataFrame(
        {"pos": np.zeros(0, "int64"), "day": np.zeros(0, "int64")}
        | {c: np.zeros(0, "float64") for c in columns}
    )
    selected = daily.map_partitions(_select_partition, keys, list(columns), meta=meta)
    frame = client.compute(selected, sync=True)
    log.info(
        "dask: %s observed daily rows from %d partitions", f"{len(frame):,}", daily.npartitions
    )
    return ObservedRows(
        position=frame["pos"].to_numpy("int64"),
        day=frame["day"].to_numpy("int64"),
        values={c: frame[c].to_numpy("float64") for c in columns},
    )


def _workers(client: Any) -> int:
    return max(len(client.scheduler_info()["workers"]), 1)


def _partitioned(frame: pd.DataFrame, client: Any):
    import dask.dataframe as dd

    parts = min(_workers(client) * 2, max(len(frame) // 1_000, 1))
    return dd.from_pandas(frame, npartitions=parts, sort=False)


def fit_lgbm(
    features: pd.DataFrame,
    label: np.ndarray,
    params: dict[str, Any],
    client: Any | None = None,
    objective: str = "binary",
):
    """A fitted LightGBM model (sklearn API): on this machine, or across a cluster's workers
    with lightgbm.DaskLGBMClassifier / DaskLGBMRegressor (then brought back as a local model,
    so saving and scoring are the same either way)."""
    import lightgbm as lgb

    binary = objective == "binary"
    if client is None:
        model = (lgb.LGBMClassifier if binary else lgb.LGBMRegressor)(objective=objective, **params)
        return model.fit(features, label)
    data = client.persist(_partitioned(features.assign(**{LABEL: label}), client))
    estimator = lgb.DaskLGBMClassifier if binary else lgb.DaskLGBMRegressor
    # One LightGBM thread per Dask thread; data-parallel across the workers.
    model = estimator(client=client, objective=objective, tree_learner="data", **params)
    with client.as_current():  # lightgbm.dask waits on futures through the current client
        model.fit(data[list(features.columns)], data[LABEL])
    return model.to_local()


def _predict_partition(part: pd.DataFrame, booster: Any, raw: bool) -> pd.Series:
    return pd.Series(booster.predict(part, raw_score=raw), index=part.index, dtype="float64")


def predict(
    model: Any, features: pd.DataFrame, client: Any | None = None, raw: bool = False
) -> np.ndarray:
    """The model's predictions (probabilities for a classifier), in `features` order; with a
    client, each partition is scored on a worker."""
    booster = getattr(model, "booster_", model)
    if client is None:
        return np.asarray(booster.predict(features, raw_score=raw), dtype="float64")
    import dask

    shared = dask.delayed(booster, pure=True)
    parts = _partitioned(features, client)
    scores = parts.map_partitions(_predict_partition, shared, raw, meta=("score", "float64"))
    return client.compute(scores, sync=True).to_numpy("float64")
