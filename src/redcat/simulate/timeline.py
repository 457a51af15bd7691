"""The time axis of the world and its calendar rhythms.

Times are kept as integer seconds (or float hours) since the origin, start_date 00:00 Beijing
time; day d is [24d, 24d + 24) hours. Calendar factors are defined for any day index d >= 0,
including days after the data end (the truth follows notes past the export date).

Assumptions:
- A weekly rhythm: more notes are published and read at the weekend; stores sell more at the
  weekend. Each weekday profile has mean 1.
- 618 (June 1-18): a "bump" that ramps up linearly from May 20 to June 1, stays at 1 through
  June 18, and is 0 otherwise. It raises note volume, reading and, most of all, buying.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from redcat.config import FESTIVAL_618

SECONDS_PER_DAY = 86_400
HOURS_PER_DAY = 24.0

# Monday..Sunday, each with mean 1.
WEEKDAY_PUBLISH = np.array([0.90, 0.95, 0.97, 1.00, 1.05, 1.10, 1.03])
WEEKDAY_READ = np.array([0.93, 0.94, 0.96, 0.98, 1.02, 1.10, 1.07])
WEEKDAY_BUY = np.array([0.96, 0.97, 0.98, 0.99, 1.01, 1.06, 1.03])
WEEKDAY_STORE = np.array([0.95, 0.96, 0.97, 0.99, 1.02, 1.08, 1.03])
WEEKDAY_AD = np.array([1.02, 1.02, 1.01, 1.00, 0.99, 0.98, 0.98])

FESTIVAL_RAMP_START = date(2025, 5, 20)
# How much the 618 bump multiplies each rhythm at its peak (factor = 1 + lift * bump).
LIFT_PUBLISH = 0.5
LIFT_READ = 0.25
LIFT_BUY = 0.6
LIFT_AD = 0.4

# Hour-of-day profile of publishing: quiet at night, peaks at lunch and in the evening.
PUBLISH_HOURS = np.array(
    [0.6, 0.3, 0.15, 0.1, 0.1, 0.15, 0.4, 0.8, 1.2, 1.4, 1.4, 1.6,
     2.0, 1.8, 1.3, 1.2, 1.3, 1.5, 1.8, 2.3, 2.6, 2.6, 2.2, 1.3]
)  # fmt: skip


class Timeline:
    """Day indices, weekdays and calendar factors of a world's period."""

    def __init__(self, start: date, end: date, extra_days: int):
        self.start = start
        self.end = end
        self.n_days = (end - start).days + 1
        self.origin = np.datetime64(datetime.combine(start, datetime.min.time()), "s")
        # The axis covers the data and `extra_days` beyond, for truth windows past the data end.
        self.n_axis = self.n_days + extra_days
        days = np.arange(self.n_axis)
        self.weekday = ((start.weekday() + days) % 7).astype(np.int8)
        self.festival = self._festival_bump(days)

    @property
    def end_seconds(self) -> int:
        """The data end (end_date 23:59:59) in seconds since the origin."""
        return self.n_days * SECONDS_PER_DAY - 1

    @property
    def end_hours(self) -> float:
        """The data end in hours since the origin (the end of the last day)."""
        return self.n_days * HOURS_PER_DAY

    def day_of(self, d: date) -> int:
        return (d - self.start).days

    def factor(self, weekday_profile: np.ndarray, lift: float) -> np.ndarray:
        """Per-day factor weekday_profile[weekday] * (1 + lift * bump) over the whole axis."""
        return weekday_profile[self.weekday] * (1.0 + lift * self.festival)

    def _festival_bump(self, days: np.ndarray) -> np.ndarray:
        first, last = FESTIVAL_618
        ramp0, peak0, peak1 = (
            self.day_of(FESTIVAL_RAMP_START),
            self.day_of(first),
            self.day_of(last),
        )
        bump = np.zeros(days.shape, dtype=np.float64)
        ramp = (days >= ramp0) & (days < peak0)
        bump[ramp] = (days[ramp] - ramp0 + 1) / (peak0 - ramp0 + 1)
        bump[(days >= peak0) & (days <= peak1)] = 1.0
        return bump

    def timestamps(self, seconds: np.ndarray) -> np.ndarray:
        """Seconds since the origin → datetime64[us] (naive Beijing time)."""
        origin_us = self.origin.astype("datetime64[us]").astype(np.int64)
        return (origin_us + seconds.astype(np.int64) * 1_000_000).view("datetime64[us]")

    def dates(self, day_index: np.ndarray) -> np.ndarray:
        """Day indices → datetime64[us] at midnight."""
        return self.timestamps(day_index.astype(np.int64) * SECONDS_PER_DAY)
