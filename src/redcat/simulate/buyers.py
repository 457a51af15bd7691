"""Purchase intents: the simulated buyers, both potential outcomes, and the oracle expectations.

Model. Each note's purchase intents arrive as a Poisson process in hours t since publishing with
intensity
    lambda(t) = intent_scale * day factor(t) * g(t),
    intent_scale = impression_scale * CTR * intent_per_read   (expected reads x intents per read),
g the reading curve and the day factor the weekday/618/boost factor of the day segment
(exposure.py). Counts are drawn per segment from Poisson(intent_scale * factor * curve mass),
times within a segment from the curve restricted to it: exactly a Poisson process with that
intensity, driven by the latents (reach, quality, hidden propensity) and not by realized reads.

Each intent draws, once, a uniform U1 that fixes its no-link channel (probabilities p_in, p_se,
1 - p_in - p_se):
    in-app (only if the merchant has an in-app store), search-back to Taobao (回搜), or none
(interested but does not buy: most intents). p_in is the merchant's in-app share (about 0.10;
0.16 in maternal & baby and womenswear, 0.13 in beauty; 0 without a store) and p_se = 0.05:
leakage to Taobao exists without links. Without a store, a would-be in-app buyer searches with
probability 0.4 (p_se = 0.05 + 0.4 * 0.10), else does nothing. With the defaults, the buyers a
link converts (0.85 * convert_new per intent) are about as many as those it diverts from the
in-app store (0.10 * divert_inapp per intent, at merchants with a store). A second uniform U2 decides
the link's pull: if the note has a link and the intent's time is at or after link_time,
    in-app -> link if U2 < divert_inapp;  search -> link if U2 < shift_search;
    none -> link if U2 < convert_new.
So the outcome with the link and the outcome without it are those of the same buyers. Intents
that could buy in no world (none with U2 >= CONVERT_CAP) are never drawn: by Poisson thinning
the others are a Poisson process at rate lambda * (p_in + p_se + p_none * CONVERT_CAP), whose
channel and U2 follow from one uniform; this is exact, and every world with convert_new <=
CONVERT_CAP (and any divert_inapp, shift_search) has the very same buyers.

GMV = price * quantity * discount, quantity = 1 + Poisson(0.3), discount ~ U(0.85, 1), to the
cent; expected GMV per buyer = price * 1.3 * 0.925. Off-site orders are reported back after a
lag: lognormal (median report_lag_median_days, log-sd report_lag_sigma), or with probability
report_lag_long_share uniform between 7 days and report_lag_long_days.

Oracle. The expected number of off-site buyers (either channel) in the window [0, 24 W) given
the latents and the realized link at L hours is
    E = p_se * int_0^{24W} lambda  +  (p_in * divert + (1 - p_in - p_se) * convert) * int_L^{24W} lambda,
each integral exact (closed form per segment); P(at least one off-site order in W) = 1 - exp(-E).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redcat.simulate import curve
from redcat.simulate.chunks import map_chunks
from redcat.simulate.config import WorldConfig
from redcat.simulate.exposure import note_segments
from redcat.simulate.merchants import INAPP_BUY_SHARE_OTHER, Merchants
from redcat.simulate.notes import Notes
from redcat.simulate.rng import stream
from redcat.simulate.timeline import Timeline

INAPP, SEARCH, NONE, LINK = 0, 1, 2, 3  # channel codes
SEARCH_SHARE = 0.05
NO_STORE_TO_SEARCH = 0.4
EXTRA_QUANTITY = 0.3
DISCOUNT_LOW = 0.85
CONVERT_CAP = 0.1  # thinning bound: worlds with convert_new <= this share their buyers
MEAN_GMV_PER_PRICE = (1.0 + EXTRA_QUANTITY) * (1.0 + DISCOUNT_LOW) / 2


@dataclass
class Buyers:
    """Every simulated buyer who buys in at least one potential world (with or without link)."""

    note: np.ndarray  # int32
    hours: np.ndarray  # float64 hours after publishing
    gmv: np.ndarray  # float64
    channel_nolink: np.ndarray  # int8: INAPP, SEARCH or NONE
    channel: np.ndarray  # int8, with the realized link: INAPP, SEARCH, LINK or NONE
    report_lag_days: np.ndarray  # float64

    @property
    def n(self) -> int:
        return self.note.shape[0]


@dataclass
class Oracle:
    """Per-note expectations in the window W, given the latents and the realized link."""

    expected_offsite: np.ndarray  # expected off-site buyers in W
    expected_offsite_gmv: np.ndarray
    expected_intents: np.ndarray  # expected purchase intents in W (all channels)

    @property
    def p_offsite(self) -> np.ndarray:
        return -np.expm1(-self.expected_offsite)


def channel_shares(notes: Notes, merchants: Merchants) -> tuple[np.ndarray, np.ndarray]:
    """(p_in, p_se) per note: the no-link in-app and search-back shares of intents."""
    p_in = merchants.inapp_share[notes.merchant]
    has_store = merchants.has_store[notes.merchant]
    p_se = np.where(
        has_store, SEARCH_SHARE, SEARCH_SHARE + NO_STORE_TO_SEARCH * INAPP_BUY_SHARE_OTHER
    )
    return p_in, p_se


def simulate_buyers(
    config: WorldConfig, timeline: Timeline, notes: Notes, merchants: Merchants
) -> tuple[Buyers, Oracle]:
    p_in, p_se = channel_shares(notes, merchants)
    oracle = Oracle(np.empty(notes.n), np.empty(notes.n), np.empty(notes.n))

    def run(index: int, lo: int, hi: int) -> Buyers:
        rng = stream(config.seed, "buyers", index)
        return _chunk(config, timeline, notes, lo, hi, p_in[lo:hi], p_se[lo:hi], rng, oracle)

    parts = list(map_chunks(run, notes.n))
    buyers = Buyers(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in Buyers.__dataclass_fields__)
    )
    return buyers, oracle


def _chunk(config, timeline, notes: Notes, lo, hi, p_in, p_se, rng, oracle: Oracle) -> Buyers:
    seg = note_segments(notes, lo, hi, timeline, config.daily_rows_per_note, config.window_days)
    scale = notes.impression_scale[lo:hi] * notes.ctr[lo:hi] * notes.intent_per_read[lo:hi]
    rate = scale[:, None] * seg.factor_buy()  # intents per unit of curve mass, per segment
    link_h = notes.link_offset_hours(lo, hi)

    # Oracle: exact expectations over [0, 24 W) with the realized link.
    window = 24.0 * config.window_days
    w_end = np.minimum(seg.end, window)
    in_window = (rate * curve.mass(seg.start, w_end)).sum(axis=1)
    after_link = (rate * curve.mass(np.maximum(seg.start, link_h[:, None]), w_end)).sum(axis=1)
    pull = p_in * config.divert_inapp + (1.0 - p_in - p_se) * config.convert_new
    expected_offsite = p_se * in_window + pull * after_link
    oracle.expected_offsite[lo:hi] = expected_offsite
    oracle.expected_offsite_gmv[lo:hi] = expected_offsite * notes.price[lo:hi] * MEAN_GMV_PER_PRICE
    oracle.expected_intents[lo:hi] = in_window

    # The buyers: Poisson counts per segment, times from the curve within the segment. Only
    # intents that could buy are drawn (Poisson thinning, exact): in-app, search, and "none"
    # intents with U2 < cap. For every convert_new <= CONVERT_CAP the same buyers are drawn.
    p_none = np.maximum(1.0 - p_in - p_se, 1e-12)
    cap = max(config.convert_new, CONVERT_CAP)
    could_buy = p_in + p_se + p_none * cap
    counts = rng.poisson(rate * seg.mass * could_buy[:, None])
    cells = np.flatnonzero(counts)
    per_cell = counts.ravel()[cells]
    cell = np.repeat(cells, per_cell)
    local = (cell // counts.shape[1]).astype(np.int64)
    hours = curve.sample_times(seg.start.ravel()[cell], seg.end.ravel()[cell], rng)
    m = hours.shape[0]
    u_channel = rng.random(m) * could_buy[local]  # U1, given that the intent could buy
    u_fresh = rng.random(m)
    quantity = 1 + rng.poisson(EXTRA_QUANTITY, m)
    discount = rng.uniform(DISCOUNT_LOW, 1.0, m)
    lag = _report_lags(config, rng, m)

    pi, ps = p_in[local], p_se[local]
    nolink = np.where(u_channel < pi, INAPP, np.where(u_channel < pi + ps, SEARCH, NONE))
    nolink = nolink.astype(np.int8)
    # U2: a "none" intent's own position within its thinned band is uniform on [0, cap).
    u_pull = np.where(nolink == NONE, (u_channel - pi - ps) / p_none[local], u_fresh)
    # At or after link_time, compared in whole seconds as the tables record it.
    link_sec_rel = np.round(link_h[local] * 3600.0)
    linked_now = hours * 3600.0 >= link_sec_rel
    threshold = np.choose(nolink, [config.divert_inapp, config.shift_search, config.convert_new])
    pulled = linked_now & (u_pull < threshold)
    channel = np.where(pulled, LINK, nolink).astype(np.int8)

    keep = (nolink != NONE) | (u_pull < config.convert_new)
    gmv = np.round(notes.price[lo:hi][local] * quantity * discount, 2)
    return Buyers(
        note=(local[keep] + lo).astype(np.int32),
        hours=hours[keep],
        gmv=gmv[keep],
        channel_nolink=nolink[keep],
        channel=channel[keep],
        report_lag_days=lag[keep],
    )


def _report_lags(config: WorldConfig, rng: np.random.Generator, m: int) -> np.ndarray:
    typical = config.report_lag_median_days * np.exp(
        config.report_lag_sigma * rng.standard_normal(m)
    )
    late = rng.random(m) < config.report_lag_long_share
    long_lag = rng.uniform(7.0, config.report_lag_long_days, m)
    return np.where(late, long_lag, typical)
