"""A time-based split: learn from earlier notes, stop early on the next ones, test on the latest.

A random split would let the model learn from notes published after the ones it is tested on
(same week, same campaign, same festival), flattering it. The team uses the model on notes
published after everything it learned from, so the test must look like that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TRAIN, VALID, TEST = "train", "valid", "test"
LIVE = "live"  # past H, window not yet complete: scored for action, never learned from
SPLIT_FRACTIONS = {TRAIN: 0.6, VALID: 0.2, TEST: 0.2}


def time_split(publish_time: pd.Series, fractions: dict[str, float] = SPLIT_FRACTIONS) -> pd.Series:
    """train / valid / test labels by publish order (ties broken by index, so deterministic)."""
    if not np.isclose(sum(fractions.values()), 1.0):
        raise ValueError(f"split fractions must add up to 1, got {fractions}")
    order = pd.DataFrame({"t": publish_time.to_numpy(), "key": publish_time.index.astype(str)})
    ranked = order.sort_values(["t", "key"], kind="stable").index.to_numpy()
    labels = np.empty(len(publish_time), dtype=object)
    bounds = np.cumsum([0.0, *fractions.values()])
    n = len(publish_time)
    for name, lo, hi in zip(fractions, bounds[:-1], bounds[1:], strict=True):
        labels[ranked[int(round(lo * n)) : int(round(hi * n))]] = name
    return pd.Series(labels, index=publish_time.index, name="split")
