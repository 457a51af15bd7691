"""Nuisance learners for `redcat.causal`: the default LightGBM settings and, beyond LightGBM's
own estimators:

`ExposureRegressor`: a log-link (Poisson) LightGBM outcome model with an exposure offset.
Money outcomes such as a note's GMV are a product, exposure × value per unit of exposure (reads
× GMV per read). Trees cannot extrapolate a scale: a note far above every other in exposure
falls in a leaf with smaller notes, and its outcome is predicted several times too low. When
such a unit is an untreated comparison with a large ATT weight, that one residual can move the
whole estimate by more than its usual standard error. With the log exposure as an offset
(LightGBM's `init_score`), the trees learn the value per unit of exposure, which varies far
less, and the prediction scales with exposure exactly as the outcome does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lightgbm import LGBMRegressor
from sklearn.base import BaseEstimator, RegressorMixin

#: Regularized nuisance learners: shallow trees, slow learning, subsampling (why: the module
#: doc of `redcat.causal.dml`).
DEFAULT_LEARNER_PARAMS: dict[str, Any] = {
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_child_samples": 40,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "n_jobs": 1,  # small data: threads cost more than they save, and results stay reproducible
    "verbose": -1,
}


class ExposureRegressor(RegressorMixin, BaseEstimator):
    """LightGBM Poisson regression of y on X with log exposure X[:, offset_index] as offset
    (by default the last column).

    prediction = exp(trees(X) + X[:, offset_index] + c), where c = log(Σy / Σexp(offset)) is
    the pooled rate per unit of exposure (the trees' starting point), so that the first trees
    need not spend their steps finding the overall level. The offset column stays a feature
    too. Missing offsets count as zero exposure on the log scale (log 1 = 0). `lgbm_params`
    are LGBMRegressor's parameters; the objective is always Poisson (a log link).
    """

    def __init__(self, offset_index: int = -1, lgbm_params: dict[str, Any] | None = None):
        self.offset_index = offset_index
        self.lgbm_params = lgbm_params

    def _offset(self, x: np.ndarray) -> np.ndarray:
        offset = np.asarray(x, dtype=float)[:, self.offset_index]
        return np.where(np.isfinite(offset), offset, 0.0)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ExposureRegressor:
        x = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if np.any(y < 0):
            raise ValueError("ExposureRegressor needs a non-negative outcome (Poisson log link)")
        offset = self._offset(x)
        total = float(y.sum())
        # The pooled log rate; an all-zero outcome gets a very low rate instead of log(0).
        self.base_ = float(np.log(max(total, 1e-12) / np.exp(offset).sum()))
        params = {**(self.lgbm_params or {}), "objective": "poisson"}
        self.model_ = LGBMRegressor(**params)
        self.model_.fit(x, y, sample_weight=sample_weight, init_score=offset + self.base_)
        self.n_features_in_ = x.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        x = np.asarray(X, dtype=float)
        raw = self.model_.predict(x, raw_score=True)
        return np.exp(raw + self._offset(x) + self.base_)
