"""Are predicted probabilities right on average? Measure it, and correct it only if that helps.

A team spending budget by "a 30% note" needs 30% to mean 30%. LightGBM's log-loss objective is
usually close to calibrated, but early stopping and a shifting base rate over time can bend it.
`fit_calibrator` fits Platt scaling (a logistic curve on the model's log-odds) on the
validation notes and keeps it only if it lowers log loss *out of fold* on them: with two
parameters it barely overfits, but a correction that only fits noise should not ship.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

EPS = 1e-6
ECE_BINS = 10


def clip_probability(p: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(p, dtype="float64"), EPS, 1.0 - EPS)


def logit(p: np.ndarray) -> np.ndarray:
    p = clip_probability(p)
    return np.log(p / (1.0 - p))


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = clip_probability(p)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS) -> pd.DataFrame:
    """Equal-count bins of predictions: mean predicted vs observed rate, and the count.

    Equal-count (not equal-width) bins, because conversion probabilities pile up near zero:
    equal-width bins would leave most bins nearly empty and the estimate all noise.
    """
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    if len(p) == 0:
        return pd.DataFrame(columns=["bin", "predicted", "observed", "n"])
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(bins, len(p)))
    rows = [
        {
            "bin": i,
            "predicted": float(p[g].mean()),
            "observed": float(y[g].mean()),
            "n": int(len(g)),
        }
        for i, g in enumerate(groups)
        if len(g)
    ]
    return pd.DataFrame(rows)


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE: the count-weighted mean gap |predicted − observed| over equal-count bins."""
    table = calibration_bins(y, p, bins)
    if table.empty:
        return float("nan")
    gaps = (table["predicted"] - table["observed"]).abs()
    return float((gaps * table["n"]).sum() / table["n"].sum())


@dataclass(frozen=True)
class Calibrator:
    """p' = sigmoid(a · logit(p) + b); the identity when a=1, b=0 (method "none")."""

    method: str = "none"  # "none" or "platt"
    slope: float = 1.0
    intercept: float = 0.0

    def apply(self, p: np.ndarray) -> np.ndarray:
        if self.method == "none":
            return np.asarray(p, dtype="float64")
        z = self.slope * logit(p) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "slope": self.slope, "intercept": self.intercept}

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Calibrator:
        return cls(
            method=str(payload["method"]),
            slope=float(payload["slope"]),
            intercept=float(payload["intercept"]),
        )


def _platt(y: np.ndarray, p: np.ndarray) -> Calibrator:
    # A large C: Platt scaling is a 2-parameter fit that needs no shrinkage.
    fit = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    fit.fit(logit(p).reshape(-1, 1), y)
    return Calibrator("platt", float(fit.coef_[0, 0]), float(fit.intercept_[0]))


def fit_calibrator(y: np.ndarray, p: np.ndarray, seed: int = 0) -> tuple[Calibrator, dict]:
    """Platt scaling if it improves out-of-fold log loss on (y, p), else the identity.

    Returns the calibrator and the evidence (log losses and ECE before / after, out of fold).
    """
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    evidence: dict[str, Any] = {"n": int(len(y))}
    if len(np.unique(y)) < 2 or len(y) < 200:
        evidence["reason"] = "too few notes or a single class to fit a correction"
        return Calibrator(), evidence
    fold = np.random.default_rng(seed).permutation(len(y)) % 2
    corrected = np.empty_like(p)
    for k in (0, 1):
        fitted = _platt(y[fold != k], p[fold != k])
        corrected[fold == k] = fitted.apply(p[fold == k])
    evidence.update(
        logloss_raw=_log_loss(y, p),
        logloss_platt_out_of_fold=_log_loss(y, corrected),
        ece_raw=expected_calibration_error(y, p),
        ece_platt_out_of_fold=expected_calibration_error(y, corrected),
    )
    if evidence["logloss_platt_out_of_fold"] < evidence["logloss_raw"]:
        evidence["reason"] = "Platt scaling lowered out-of-fold log loss on the validation notes"
        return _platt(y, p), evidence
    evidence["reason"] = "the raw probabilities were already as well calibrated"
    return Calibrator(), evidence
