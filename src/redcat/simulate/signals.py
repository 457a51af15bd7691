"""note_daily: a note's on-platform signals, one row per day from its publish day.

For each of the note's first K days that fall within the data (K = daily_rows_per_note):
- impressions ~ Poisson(expected impressions * day noise), expected impressions =
  impression_scale * curve mass of the day * weekday/618 factor * boost factor, day noise
  lognormal (sd 0.2, mean 1);
- reads ~ Binomial(impressions, CTR(q, format));
- likes, collects, comments, shares ~ Binomial(reads, rate(q)): collects move most with q, so
  early collects-per-read reveal quality well (reads run in the hundreds within days);
- search_impressions ~ Poisson(0.15 * expected impressions * exp(0.3 q));
- ad_spend = b * organic expected impressions * CPM / 1000 * U(0.9, 1.1) on boosted days
  (more for paid collabs and bigger merchants, via notes.py), else 0;
- link_clicks: 0 before the link; on and after the link day a share of the reads made after
  link_time (their share of the day's curve mass) tap it: Binomial(Binomial(reads, share), p_tap);
- store_visits = Binomial(link_clicks, 0.6) + Poisson(0.012 * reads * exp(0.3 q)) search-back
  visits, so unlinked notes have visits too.
The link changes none of impressions, reads, likes, collects, comments, shares (assumption).
The signals are drawn independently of the buyers: they inform about the same latents
(reach, quality) that drive buying, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redcat.simulate import curve
from redcat.simulate.chunks import map_chunks
from redcat.simulate.config import WorldConfig
from redcat.simulate.exposure import note_segments
from redcat.simulate.mathx import logit, sigmoid
from redcat.simulate.notes import Notes
from redcat.simulate.rng import stream
from redcat.simulate.timeline import Timeline

IMPRESSION_NOISE = 0.2
# (base rate per read, quality coefficient) of each engagement.
ENGAGEMENT = {
    "likes": (0.06, 0.5),
    "collects": (0.025, 0.8),
    "comments": (0.006, 0.4),
    "shares": (0.004, 0.5),
}
SEARCH_PER_IMPRESSION, SEARCH_QUALITY = 0.15, 0.3
CPM = 40.0  # ¥ per thousand boosted impressions
TAP_RATE, TAP_QUALITY = 0.04, 0.3
VISIT_PER_TAP = 0.6
SEARCH_VISIT_PER_READ, SEARCH_VISIT_QUALITY = 0.012, 0.3

COUNT_COLUMNS = (
    "impressions",
    "reads",
    "likes",
    "collects",
    "comments",
    "shares",
    "search_impressions",
    "link_clicks",
    "store_visits",
)


@dataclass
class NoteDaily:
    note: np.ndarray  # int32 index of the note, per row (rows grouped by note, days ascending)
    day: np.ndarray  # int32 calendar day index
    counts: dict[str, np.ndarray]  # int32 per COUNT_COLUMNS
    ad_spend: np.ndarray  # float64

    @property
    def n_rows(self) -> int:
        return self.note.shape[0]


def rows_per_note(notes: Notes, timeline: Timeline, days: int) -> np.ndarray:
    return np.minimum(days, timeline.n_days - notes.publish_day).astype(np.int64)


def simulate_note_daily(config: WorldConfig, timeline: Timeline, notes: Notes) -> NoteDaily:
    days = config.daily_rows_per_note
    n_rows = rows_per_note(notes, timeline, days)
    offsets = np.concatenate([[0], np.cumsum(n_rows)])
    total = int(offsets[-1])
    out = NoteDaily(
        note=np.repeat(np.arange(notes.n, dtype=np.int32), n_rows),
        day=np.empty(total, dtype=np.int32),
        counts={c: np.empty(total, dtype=np.int32) for c in COUNT_COLUMNS},
        ad_spend=np.empty(total, dtype=np.float64),
    )

    def run(index: int, lo: int, hi: int) -> None:
        rng = stream(config.seed, "signals", index)
        rows = slice(int(offsets[lo]), int(offsets[hi]))
        _chunk(config, timeline, notes, lo, hi, n_rows[lo:hi], rng, out, rows)

    for _ in map_chunks(run, notes.n):
        pass
    return out


def _chunk(
    config, timeline, notes: Notes, lo, hi, n_rows, rng, out: NoteDaily, rows: slice
) -> None:
    days = config.daily_rows_per_note
    seg = note_segments(notes, lo, hi, timeline, days, config.window_days)
    valid = np.arange(days)[None, :] < n_rows[:, None]
    start, end = seg.start[:, :days][valid], seg.end[:, :days][valid]
    mass = curve.mass(start, end)
    organic = np.repeat(notes.impression_scale[lo:hi], n_rows) * mass * seg.calendar_read[valid]
    boost = seg.boost_factor[valid]
    expected = organic * boost
    m = expected.shape[0]
    q = notes.quality[lo:hi]

    def per_row(per_note: np.ndarray) -> np.ndarray:
        # note-level rates are computed once per note, then spread over its rows
        return np.repeat(per_note, n_rows)

    noise = np.exp(IMPRESSION_NOISE * rng.standard_normal(m) - IMPRESSION_NOISE**2 / 2)
    impressions = rng.poisson(expected * noise)
    reads = rng.binomial(impressions, per_row(notes.ctr[lo:hi]))
    counts = out.counts
    counts["impressions"][rows] = impressions
    counts["reads"][rows] = reads
    for name, (base, slope) in ENGAGEMENT.items():
        counts[name][rows] = rng.binomial(reads, per_row(sigmoid(logit(base) + slope * q)))
    counts["search_impressions"][rows] = rng.poisson(
        expected * per_row(SEARCH_PER_IMPRESSION * np.exp(SEARCH_QUALITY * q))
    )

    spend = np.zeros(m)
    boosted = boost > 1.0
    spend[boosted] = (
        (boost[boosted] - 1.0)
        * organic[boosted]
        * CPM
        / 1000.0
        * rng.uniform(0.9, 1.1, int(boosted.sum()))
    )
    out.ad_spend[rows] = np.round(spend, 2)

    link_h = per_row(notes.link_offset_hours(lo, hi))
    tapped = end > link_h  # rows on or after the link (link_h = inf when unlinked)
    clicks = np.zeros(m, dtype=np.int64)
    visits = rng.poisson(reads * per_row(SEARCH_VISIT_PER_READ * np.exp(SEARCH_VISIT_QUALITY * q)))
    if tapped.any():
        share = curve.mass(np.maximum(start[tapped], link_h[tapped]), end[tapped]) / mass[tapped]
        after_link = rng.binomial(reads[tapped], np.clip(share, 0.0, 1.0))
        tap_rate = per_row(sigmoid(logit(TAP_RATE) + TAP_QUALITY * q))[tapped]
        clicks[tapped] = rng.binomial(after_link, tap_rate)
        visits[tapped] += rng.binomial(clicks[tapped], VISIT_PER_TAP)
    counts["link_clicks"][rows] = clicks
    counts["store_visits"][rows] = visits
    out.day[rows] = seg.day[valid]
