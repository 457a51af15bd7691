"""How good are the predictions: ranking, probabilities, money captured, per industry.

Every function takes plain arrays or frames of (outcome, prediction), so the same code scores
the model, the baselines and, on simulated data, the oracle (the true probabilities), which
tells the report how close the model is to the best any model could do with this data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

from redcat.modeling.calibration import (
    calibration_bins,
    clip_probability,
    expected_calibration_error,
)

GAINS_SHARES = (0.05, 0.10, 0.20)
METRIC_NAMES = ("auc", "pr_auc", "logloss", "brier", "ece", "mean_predicted", "observed_rate")


def probability_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """AUC, PR-AUC (average precision), log loss, Brier, ECE, mean prediction, observed rate."""
    y = np.asarray(y, dtype="int64")
    p = clip_probability(p)
    both_classes = len(np.unique(y)) == 2
    return {
        "auc": float(roc_auc_score(y, p)) if both_classes else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both_classes else float("nan"),
        "logloss": float(log_loss(y, p, labels=[0, 1])) if len(y) else float("nan"),
        "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p),
        "mean_predicted": float(p.mean()) if len(p) else float("nan"),
        "observed_rate": float(y.mean()) if len(y) else float("nan"),
        "n": int(len(y)),
    }


def compare_scorers(y: np.ndarray, scorers: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One row per scorer (model, baselines, oracle) with probability_metrics as columns."""
    rows = [{"scorer": name, **probability_metrics(y, p)} for name, p in scorers.items()]
    return pd.DataFrame(rows)


def gains_curve(value: np.ndarray, score: np.ndarray, points: int = 100) -> pd.DataFrame:
    """Share of total `value` (off-site GMV) held by the top x% of notes ranked by `score`.

    Ties are broken by position (stable sort), so the curve is deterministic.
    """
    value = np.asarray(value, dtype="float64")
    order = np.argsort(-np.asarray(score, dtype="float64"), kind="stable")
    captured = np.cumsum(value[order])
    total = captured[-1] if len(captured) else 0.0
    shares = np.linspace(0.0, 1.0, points + 1)
    counts = np.floor(shares * len(value) + 1e-9).astype(int)
    got = np.where(counts > 0, captured[np.maximum(counts - 1, 0)] if len(value) else 0.0, 0.0)
    return pd.DataFrame(
        {"share_of_notes": shares, "share_of_gmv": got / total if total > 0 else np.nan}
    )


def gains_at(value: np.ndarray, score: np.ndarray, shares=GAINS_SHARES) -> dict[float, float]:
    """Share of off-site GMV captured by the top 5/10/20% of notes by `score`."""
    value = np.asarray(value, dtype="float64")
    total = value.sum()
    order = np.argsort(-np.asarray(score, dtype="float64"), kind="stable")
    out = {}
    for share in shares:
        k = int(np.floor(share * len(value) + 1e-9))
        out[share] = float(value[order[:k]].sum() / total) if total > 0 else float("nan")
    return out


def gains_table(value: np.ndarray, rankings: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Rows: rankings (model, oracle, hindsight, random); columns: top 5/10/20% GMV shares."""
    rows = []
    for name, score in rankings.items():
        got = gains_at(value, score)
        rows.append({"ranking": name, **{f"top_{int(s * 100)}pct": v for s, v in got.items()}})
    return pd.DataFrame(rows)


def metrics_by_group(
    groups: pd.Series, y: np.ndarray, scorers: Mapping[str, np.ndarray], min_notes: int = 50
) -> pd.DataFrame:
    """AUC and calibration per group (industry) for each scorer; small groups are left out.

    Columns: group, n, observed_rate, then <scorer>_auc, <scorer>_logloss, <scorer>_mean for
    every scorer.
    """
    groups = pd.Series(np.asarray(groups), name="group")
    y = np.asarray(y)
    rows = []
    for group, index in groups.groupby(groups, sort=False, observed=True).groups.items():
        idx = np.asarray(index)
        if len(idx) < min_notes:
            continue
        row: dict[str, object] = {
            "group": group,
            "n": int(len(idx)),
            "observed_rate": float(y[idx].mean()),
        }
        for name, p in scorers.items():
            m = probability_metrics(y[idx], np.asarray(p)[idx])
            row[f"{name}_auc"] = m["auc"]
            row[f"{name}_logloss"] = m["logloss"]
            row[f"{name}_mean"] = m["mean_predicted"]
        rows.append(row)
    return pd.DataFrame(rows)


def calibration_curves(y: np.ndarray, scorers: Mapping[str, np.ndarray], bins: int = 10):
    """Calibration bins for each scorer, stacked with a `scorer` column (for one chart)."""
    frames = [calibration_bins(y, p, bins).assign(scorer=name) for name, p in scorers.items()]
    return pd.concat(frames, ignore_index=True)


def paired_auc_difference(
    y: np.ndarray, a: np.ndarray, b: np.ndarray, *, draws: int = 200, seed: int = 0
) -> tuple[float, float, float]:
    """AUC(a) − AUC(b) on the same notes and its 90% paired bootstrap interval.

    Two scorers of the same notes share their sampling noise; resampling notes once for both
    gives the interval of the *difference*, which says whether one really ranks better.
    """
    y = np.asarray(y)
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    point = float(roc_auc_score(y, a) - roc_auc_score(y, b))
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(draws):
        i = rng.integers(0, len(y), len(y))
        if len(np.unique(y[i])) == 2:
            values.append(roc_auc_score(y[i], a[i]) - roc_auc_score(y[i], b[i]))
    low, high = np.percentile(values, [5, 95]) if values else (np.nan, np.nan)
    return point, float(low), float(high)
