"""What the model must beat: the prior rate, and a logistic regression on the same features.

If LightGBM cannot beat a single number (the training notes' conversion rate) and a linear
model on the very same inputs, its extra complexity is not paying for itself.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from redcat.features import CATEGORICAL_FEATURES, SUMMED_SIGNALS

# Counts and money are heavy-tailed; a linear model sees them on a log scale, as a fair
# baseline would (trees do not care).
LOG_SCALE = (
    *SUMMED_SIGNALS,
    "price",
    "followers",
    "text_length",
    "merchant_daily_ad_spend",
    "merchant_funnel_budget",
    "ad_spend_per_1k_impressions",
    "hours_to_link",
    "inapp_orders",
    "inapp_gmv",
)


@dataclass(frozen=True)
class PriorRate:
    """Every note gets the training notes' conversion rate."""

    rate: float

    @classmethod
    def fit(cls, y: np.ndarray) -> PriorRate:
        return cls(float(np.mean(y)))

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return np.full(len(features), self.rate)


class Winsorizer(TransformerMixin, BaseEstimator):
    """Clip each column to its training quantiles (default 0.1% and 99.9%).

    A linear model extrapolates: one test note with a ratio far outside the training range
    (saves per like when a note has two likes) can push its probability to 0 or 1 and blow up
    the baseline's log loss. Clipping is what a careful analyst does before such a fit.
    """

    def __init__(self, lower: float = 0.001, upper: float = 0.999) -> None:
        self.lower = lower
        self.upper = upper

    def fit(self, x, y=None):
        values = np.asarray(x, dtype="float64")
        with warnings.catch_warnings():  # a never-observed column has no quantiles: NaN bounds
            warnings.simplefilter("ignore", RuntimeWarning)
            self.low_ = np.nanquantile(values, self.lower, axis=0)
            self.high_ = np.nanquantile(values, self.upper, axis=0)
        return self

    def transform(self, x):
        values = np.asarray(x, dtype="float64")
        low = np.where(np.isnan(self.low_), -np.inf, self.low_)
        high = np.where(np.isnan(self.high_), np.inf, self.high_)
        return np.clip(values, low, high)  # NaN stays NaN for the imputer

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features, dtype=object)


def _imputer() -> SimpleImputer:
    # keep_empty_features: a feature never observed in training (no links before the launch)
    # must still be a column, so scoring data with that feature keeps the same shape.
    return SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)


def _log1p_nonnegative(x):
    return np.log1p(np.clip(x, 0, None))


def logistic_baseline(features: pd.DataFrame, seed: int = 0) -> Pipeline:
    """An unfitted pipeline: log-scale heavy columns, impute, standardise, one-hot categories."""
    categorical = [c for c in features.columns if c in CATEGORICAL_FEATURES]
    logged = [c for c in features.columns if c in LOG_SCALE]
    plain = [c for c in features.columns if c not in categorical and c not in logged]
    numeric_steps = [Winsorizer(), _imputer(), StandardScaler()]
    prepare = ColumnTransformer(
        [
            (
                "log",
                make_pipeline(
                    FunctionTransformer(_log1p_nonnegative, feature_names_out="one-to-one"),
                    *numeric_steps,
                ),
                logged,
            ),
            (
                "plain",
                make_pipeline(Winsorizer(), _imputer(), StandardScaler()),
                plain,
            ),
            (
                "category",
                make_pipeline(
                    FunctionTransformer(_categories_as_text, feature_names_out="one-to-one"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            ),
        ]
    )
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    return make_pipeline(prepare, model)


def _categories_as_text(frame: pd.DataFrame) -> np.ndarray:
    return frame.astype("object").where(frame.notna(), "missing").astype(str).to_numpy()


def fit_logistic_baseline(features: pd.DataFrame, y: np.ndarray, seed: int = 0) -> Pipeline:
    return logistic_baseline(features, seed).fit(features, np.asarray(y, dtype="int64"))


def predict_logistic(model: Pipeline, features: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(features)[:, 1]
