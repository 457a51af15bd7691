"""Cross-fitted untreated-outcome predictions that also learn from units outside the sample.

The ATT needs one nuisance model for the outcome without treatment, g0(x) = E[Y | X=x, D=0].
Units that could never have been treated (notes of merchants not enrolled) carry no
information about who gets treated, and as comparison units in the sample they would only
get a clipped propensity; but they show g0 what outcomes look like without treatment, from
many more units. Here they train g0 alone: in every cross-fitting fold, g0 is fitted on the
fold's untreated training units plus the pool, and predicts the fold's held-out units. Pool
units of a cluster that is held out in that fold are left out of it, so that no unit's own
cluster informs its prediction (the pool is never predicted, so it needs no folds of its own).
"""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone


def pooled_untreated_predictions(
    learner,
    x: np.ndarray,
    y: np.ndarray,
    d: np.ndarray,
    smpls: list,
    x_pool: np.ndarray,
    y_pool: np.ndarray,
    clusters: np.ndarray | None = None,
    pool_clusters: np.ndarray | None = None,
    n_threads: int = 1,
) -> np.ndarray:
    """g0 predictions (n, n_rep) for every sample unit, from the fold's untreated training
    units plus the pool. `smpls` are DoubleML's folds: per repetition, (train, test) index
    pairs covering every unit once as test. `n_threads` folds are fitted at once (threads:
    LightGBM releases the GIL); each fit is the same as when fitted alone, so the predictions
    do not depend on it."""
    untreated = d == 0

    def fit_fold(train, test) -> np.ndarray:
        train = np.asarray(train)
        train = train[untreated[train]]
        keep_pool = np.ones(len(y_pool), dtype=bool)
        if clusters is not None and pool_clusters is not None:
            keep_pool = ~np.isin(pool_clusters, np.unique(clusters[test]))
        model = clone(learner)
        model.fit(
            np.vstack([x[train], x_pool[keep_pool]]),
            np.concatenate([y[train], y_pool[keep_pool]]),
        )
        return model.predict(x[test])

    tasks = [(r, train, test) for r, folds in enumerate(smpls) for train, test in folds]
    fitted = Parallel(n_jobs=n_threads, prefer="threads")(
        delayed(fit_fold)(train, test) for _, train, test in tasks
    )
    predictions = np.full((len(y), len(smpls)), np.nan)
    for (r, _, test), values in zip(tasks, fitted, strict=True):
        predictions[test, r] = values
    return predictions
