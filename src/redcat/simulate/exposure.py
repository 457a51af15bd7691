"""A note's exposure over time, cut into day segments: the shared frame of signals and buyers.

For a note published at hour p (hours since the origin), relative day j covers
[max(0, 24 (d0 + j) - p), 24 (d0 + j + 1) - p) hours since publishing, d0 its publish day, for
j = 0 .. K - 1 (K = daily_rows_per_note); one last "tail" segment runs from the end of day K - 1
to the note's horizon T = max(data end - publish, 24 W) hours, and every segment is cut at T.
The world therefore runs past the data end for the last notes, so each note's window W is
complete for the truth (the export still cuts at the data end).

In day segment j the reading curve is multiplied by a day factor: the calendar rhythm (weekday,
618) times the boost (1 + b) while the note is boosted. In the tail the factor is 1 (the weekly
rhythm averages out over a long tail). Expected reads in segment j are
reads_scale * factor_read_j * mass_j and expected purchase intents are
intent_scale * factor_buy_j * mass_j, mass_j the curve's mass in the segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redcat.simulate import curve
from redcat.simulate.notes import Notes
from redcat.simulate.timeline import (
    LIFT_BUY,
    LIFT_READ,
    WEEKDAY_BUY,
    WEEKDAY_READ,
    Timeline,
)


@dataclass
class Segments:
    start: np.ndarray  # [n, K + 1] hours since publishing
    end: np.ndarray  # [n, K + 1] (cut at the note's horizon)
    day: np.ndarray  # [n, K] calendar day index of day segments
    boost_factor: np.ndarray  # [n, K] 1 + b while boosted, else 1
    calendar_read: np.ndarray  # [n, K]
    calendar_buy: np.ndarray  # [n, K]

    @property
    def mass(self) -> np.ndarray:
        return curve.mass(self.start, self.end)

    def factor_buy(self) -> np.ndarray:
        """[n, K + 1] day factors of purchase intents (tail = 1)."""
        return _with_tail(self.calendar_buy * self.boost_factor)


def note_segments(
    notes: Notes, lo: int, hi: int, timeline: Timeline, days: int, window_days: int
) -> Segments:
    """Segments of notes lo..hi-1 (K = `days` day segments plus the tail)."""
    publish_h = notes.publish_sec[lo:hi] / 3600.0
    publish_day = notes.publish_day[lo:hi].astype(np.int64)
    horizon = np.maximum(timeline.end_hours - publish_h, 24.0 * window_days)

    day = publish_day[:, None] + np.arange(days)[None, :]
    day_start = np.maximum(day * 24.0 - publish_h[:, None], 0.0)
    day_end = (day + 1) * 24.0 - publish_h[:, None]
    start = np.concatenate([day_start, day_end[:, -1:]], axis=1)
    end = np.concatenate([day_end, horizon[:, None]], axis=1)
    start = np.minimum(start, horizon[:, None])
    end = np.minimum(end, horizon[:, None])

    boosted = np.arange(days)[None, :] < notes.boost_days[lo:hi, None]
    boost_factor = np.where(boosted, 1.0 + notes.boost[lo:hi, None], 1.0)
    return Segments(
        start=start,
        end=end,
        day=day,
        boost_factor=boost_factor,
        calendar_read=timeline.factor(WEEKDAY_READ, LIFT_READ)[day],
        calendar_buy=timeline.factor(WEEKDAY_BUY, LIFT_BUY)[day],
    )


def _with_tail(day_factors: np.ndarray) -> np.ndarray:
    return np.concatenate([day_factors, np.ones((day_factors.shape[0], 1))], axis=1)
