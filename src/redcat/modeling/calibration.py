"""Are predicted probabilities right on average? Measure it, and correct it only if that helps.

A team spending budget by "a 30% note" needs 30% to mean 30%. LightGBM's log-loss objective is
close to calibrated *on the period it learned from*, but the test notes come later: in the
default world the booster learns from March-May notes and is tested on notes of the 618 festival
(config.FESTIVAL_618) and just after it, when buying runs higher than in training. So the level
of its probabilities drifts, and a correction fitted on the validation notes (which sit between
training and test in time) pays.

Candidates, all fitted on the validation notes:
- ``none``: the booster's probabilities as they are;
- ``platt``: a logistic curve on the booster's log-odds, logit p' = a·logit p + b;
- ``cloglog``: the same on the complementary log-log scale, log(−log(1−p')) = a·log(−log(1−p)) + b.
  P(at least one order) = 1 − exp(−E) for E expected orders, so this scale is log E: a season
  that multiplies buying shifts it by a constant, which is what b learns;
- ``cloglog_calendar``: cloglog plus c · (share of the note's W-day window inside a festival),
  from the festival calendar the merchant knows in advance (redcat.features.festival_share).
  It lets the correction fall back for notes whose window runs past the festival's end;
- ``isotonic``: a free monotone step function of p (many more degrees of freedom: it needs
  many validation notes to beat the parametric curves).

The one kept is the one with the lowest *out-of-fold* log loss on the validation notes (5 folds):
a correction that only fits noise does not ship, and the test notes play no part in the choice.

ECE (expected calibration error) here is the standard binned estimator: sort the notes by
predicted probability, cut them into ECE_BINS = 10 bins of equal count (equal mass, not equal
width: conversion probabilities are spread unevenly, and equal-width bins would leave some bins
nearly empty and their gaps all noise), and average |mean predicted − observed rate| over the
bins, weighted by count. Even perfectly calibrated probabilities score above 0 on a finite test
set, because each bin's observed rate is a sample mean: `ece_noise_floor` measures that floor
(outcomes drawn from the predictions themselves) and `ece_interval` a bootstrap interval, so a
reader can tell a miscalibration from sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.isotonic import IsotonicRegression

EPS = 1e-6
ECE_BINS = 10
CALIBRATION_FOLDS = 5
METHODS = ("none", "platt", "cloglog", "cloglog_calendar", "isotonic")
NEEDS_CALENDAR = ("cloglog_calendar",)


def clip_probability(p: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(p, dtype="float64"), EPS, 1.0 - EPS)


def logit(p: np.ndarray) -> np.ndarray:
    p = clip_probability(p)
    return np.log(p / (1.0 - p))


def cloglog(p: np.ndarray) -> np.ndarray:
    """log(−log(1 − p)): the log of the expected count behind P(count ≥ 1) = p."""
    return np.log(-np.log1p(-clip_probability(p)))


def _inverse(link: str, eta: np.ndarray) -> np.ndarray:
    if link == "logit":
        return 1.0 / (1.0 + np.exp(-eta))
    return -np.expm1(-np.exp(np.clip(eta, -30.0, 5.0)))


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = clip_probability(p)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS) -> pd.DataFrame:
    """Equal-count bins of predictions: mean predicted vs observed rate, and the count."""
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
    """ECE: the count-weighted mean gap |predicted − observed| over equal-count bins.

    `y` may also be probabilities (the true ones, on simulated data): the ECE against the truth
    is then free of outcome noise.
    """
    table = calibration_bins(y, p, bins)
    if table.empty:
        return float("nan")
    gaps = (table["predicted"] - table["observed"]).abs()
    return float((gaps * table["n"]).sum() / table["n"].sum())


def ece_interval(
    y: np.ndarray, p: np.ndarray, *, draws: int = 400, level: float = 0.9, seed: int = 0
) -> tuple[float, float]:
    """A percentile bootstrap interval for the ECE (notes resampled with replacement)."""
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    if len(y) == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    values = [
        expected_calibration_error(y[i], p[i])
        for i in (rng.integers(0, len(y), len(y)) for _ in range(draws))
    ]
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def ece_noise_floor(p: np.ndarray, *, draws: int = 200, seed: int = 0) -> float:
    """The mean ECE of *perfectly calibrated* probabilities `p` on this many notes.

    Outcomes are drawn from `p` itself, so every gap is sampling noise: an ECE near this figure
    says nothing about miscalibration. Needs no truth, so it works on real data too.
    """
    p = np.asarray(p, dtype="float64")
    if len(p) == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    values = [expected_calibration_error(rng.random(len(p)) < p, p) for _ in range(draws)]
    return float(np.mean(values))


@dataclass(frozen=True)
class Calibrator:
    """The probability correction; the identity when method is "none".

    platt:            logit p'   = slope · logit p   + intercept
    cloglog:          cloglog p' = slope · cloglog p + intercept
    cloglog_calendar: cloglog p' = slope · cloglog p + intercept + calendar · festival share
    """

    method: str = "none"
    slope: float = 1.0
    intercept: float = 0.0
    calendar: float = 0.0
    # isotonic: the step function's knots (predicted p -> corrected p), interpolated linearly.
    knots_x: tuple[float, ...] = ()
    knots_y: tuple[float, ...] = ()

    @property
    def needs_calendar(self) -> bool:
        return self.method in NEEDS_CALENDAR

    def apply(self, p: np.ndarray, festival_share: np.ndarray | None = None) -> np.ndarray:
        if self.method == "none":
            return np.asarray(p, dtype="float64")
        if self.method == "platt":
            return _inverse("logit", self.slope * logit(p) + self.intercept)
        if self.method == "isotonic":
            return clip_probability(
                np.interp(np.asarray(p, dtype="float64"), self.knots_x, self.knots_y)
            )
        eta = self.slope * cloglog(p) + self.intercept
        if self.needs_calendar:
            if festival_share is None:
                raise ValueError(
                    "this calibrator needs each note's festival share of its window "
                    "(redcat.features.festival_share, from publish_time)"
                )
            eta = eta + self.calendar * np.asarray(festival_share, dtype="float64")
        return _inverse("cloglog", eta)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "slope": self.slope,
            "intercept": self.intercept,
            "calendar": self.calendar,
            "knots_x": list(self.knots_x),
            "knots_y": list(self.knots_y),
        }

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Calibrator:
        method = str(payload["method"])
        if method not in METHODS:
            raise ValueError(f"unknown calibration method {method!r}; known: {', '.join(METHODS)}")
        return cls(
            method=method,
            slope=float(payload["slope"]),
            intercept=float(payload["intercept"]),
            calendar=float(payload.get("calendar", 0.0)),
            knots_x=tuple(float(v) for v in payload.get("knots_x", ())),
            knots_y=tuple(float(v) for v in payload.get("knots_y", ())),
        )


def _fit(method: str, y: np.ndarray, p: np.ndarray, share: np.ndarray | None) -> Calibrator:
    """Maximum likelihood for the method's 2-3 coefficients (BFGS from the identity)."""
    if method == "none":
        return Calibrator()
    if method == "isotonic":
        fit = IsotonicRegression(out_of_bounds="clip", y_min=EPS, y_max=1.0 - EPS).fit(p, y)
        return Calibrator(
            method="isotonic",
            knots_x=tuple(float(v) for v in fit.X_thresholds_),
            knots_y=tuple(float(v) for v in fit.y_thresholds_),
        )
    link = "logit" if method == "platt" else "cloglog"
    z = logit(p) if link == "logit" else cloglog(p)
    columns = [np.ones_like(z), z]
    if method in NEEDS_CALENDAR:
        columns.append(np.asarray(share, dtype="float64"))
    design = np.column_stack(columns)

    def loss_and_grad(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = design @ beta
        q = clip_probability(_inverse(link, eta))
        loss = -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
        if link == "logit":
            d_eta = q - y
        else:  # d/d eta of the Bernoulli log loss with the cloglog link
            mu = np.exp(np.clip(eta, -30.0, 5.0))
            d_eta = mu * ((1 - y) - y * (1 - q) / q)
        return float(loss), design.T @ d_eta / len(y)

    start = np.zeros(design.shape[1])
    start[1] = 1.0
    beta = minimize(loss_and_grad, start, jac=True, method="BFGS").x
    return Calibrator(
        method=method,
        slope=float(beta[1]),
        intercept=float(beta[0]),
        calendar=float(beta[2]) if method in NEEDS_CALENDAR else 0.0,
    )


def fit_calibrator(
    y: np.ndarray, p: np.ndarray, festival_share: np.ndarray | None = None, seed: int = 0
) -> tuple[Calibrator, dict]:
    """The correction with the lowest out-of-fold log loss on (y, p), the validation notes.

    `festival_share` (per note, see redcat.features.festival_share) enables the calendar
    candidate; without it, or when it does not vary, that candidate is skipped. Returns the
    calibrator and the evidence: each candidate's out-of-fold log loss and ECE.
    """
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    evidence: dict[str, Any] = {"n": int(len(y)), "folds": CALIBRATION_FOLDS}
    if len(np.unique(y)) < 2 or len(y) < 200:
        evidence["reason"] = "too few notes or a single class to fit a correction"
        return Calibrator(), evidence
    methods = list(METHODS)
    share = None if festival_share is None else np.asarray(festival_share, dtype="float64")
    if share is None or np.ptp(share) == 0:
        methods.remove("cloglog_calendar")
    fold = np.random.default_rng(seed).permutation(len(y)) % CALIBRATION_FOLDS
    candidates: dict[str, dict[str, float]] = {}
    for method in methods:
        corrected = np.empty_like(p)
        for k in range(CALIBRATION_FOLDS):
            out = fold == k
            fitted = _fit(method, y[~out], p[~out], None if share is None else share[~out])
            corrected[out] = fitted.apply(p[out], None if share is None else share[out])
        candidates[method] = {
            "logloss_out_of_fold": _log_loss(y, corrected),
            "ece_out_of_fold": expected_calibration_error(y, corrected),
        }
    best = min(methods, key=lambda m: (candidates[m]["logloss_out_of_fold"], methods.index(m)))
    evidence["candidates"] = candidates
    evidence["reason"] = (
        f"{best}: the lowest out-of-fold log loss on the validation notes "
        f"({candidates[best]['logloss_out_of_fold']:.5f})"
    )
    return _fit(best, y, p, share), evidence
