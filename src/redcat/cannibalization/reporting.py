"""How complete off-site reporting is, and the weight that makes a note's off-site GMV whole.

Partner data report an off-site order back days (sometimes weeks) after it was placed; a run on
`as_of` sees only orders reported by then. Dropping every note whose window is not yet fully
reported (what the conversion model does, with a 99% lag) would leave the effect estimated on
notes published weeks before the data end, a different set of linked notes (mostly 618) from
the one the question is about. Instead each visible order is weighted by the inverse of the
chance that an order of its age had been reported by `as_of` (Horvitz–Thompson):

    off-site GMV of a note  ≈  Σ visible orders  gmv / F(as_of − order_time),

F the reporting-delay distribution, estimated per channel from *settled* orders: those placed
long enough before `as_of` that even the slowest delay seen would have been reported (a delay
measured on recent orders alone is biased short, because their slow reports are not in yet).
F is floored at MIN_REPORTED_SHARE so that the last hours' orders, almost never reported yet,
cannot carry huge weights; the GMV they miss is a sliver of a 14-day window.

Assumption (stated in the results): the reporting delay does not depend on the note, its link
or its buyer, beyond the channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

MIN_REPORTED_SHARE = 0.05
SETTLE_FACTOR = 1.25  # settled = placed at least 1.25 × the longest delay seen before as_of
MIN_SETTLED_ORDERS = 200


@dataclass(frozen=True)
class ReportingDelay:
    """Empirical delay distributions (sorted delays in days) per channel, and a pooled one."""

    delays_days: dict[str, np.ndarray]
    pooled_days: np.ndarray
    settle_days: float

    def reported_share(self, age_days: np.ndarray, channel: np.ndarray | None = None) -> np.ndarray:
        """F(age): the chance an order placed `age_days` before as_of has been reported."""
        age_days = np.asarray(age_days, dtype="float64")
        share = _cdf(self.pooled_days, age_days)
        if channel is not None:
            channel = np.asarray(channel)
            for name, delays in self.delays_days.items():
                mask = channel == name
                share[mask] = _cdf(delays, age_days[mask])
        return share

    def weight(self, age_days: np.ndarray, channel: np.ndarray | None = None) -> np.ndarray:
        return 1.0 / np.maximum(self.reported_share(age_days, channel), MIN_REPORTED_SHARE)

    def quantile_days(self, q: float) -> float:
        return float(np.quantile(self.pooled_days, q)) if len(self.pooled_days) else float("nan")


def _cdf(sorted_delays: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    if len(sorted_delays) == 0:
        return np.ones_like(age_days)
    return np.searchsorted(sorted_delays, age_days, side="right") / len(sorted_delays)


def estimate_reporting_delay(offsite_orders: pd.DataFrame, as_of: pd.Timestamp) -> ReportingDelay:
    """The delay distribution from orders old enough to be fully reported by `as_of`."""
    seen = offsite_orders[offsite_orders["reported_time"] <= as_of]
    delay = ((seen["reported_time"] - seen["order_time"]) / pd.Timedelta(days=1)).to_numpy(
        "float64"
    )
    if len(delay) == 0:
        log.warning("no off-site orders reported by %s: reporting taken as complete", as_of)
        return ReportingDelay({}, np.array([]), 0.0)
    settle = SETTLE_FACTOR * float(delay.max())
    settled = (seen["order_time"] <= as_of - pd.Timedelta(days=settle)).to_numpy()
    if settled.sum() < MIN_SETTLED_ORDERS:
        log.warning(
            "only %d off-site orders placed more than %.1f days before as_of: the reporting "
            "delay is measured on all visible orders and may be too short",
            int(settled.sum()),
            settle,
        )
        settled = np.ones(len(delay), dtype=bool)
    channels = seen["channel"].astype(str).to_numpy()
    per_channel = {
        name: np.sort(delay[settled & (channels == name)])
        for name in np.unique(channels[settled])
        if (settled & (channels == name)).sum() >= MIN_SETTLED_ORDERS
    }
    result = ReportingDelay(per_channel, np.sort(delay[settled]), settle)
    log.info(
        "reporting delay: median %.1f days, 95%% within %.1f days (from %d settled orders)",
        result.quantile_days(0.5),
        result.quantile_days(0.95),
        int(settled.sum()),
    )
    return result
