"""merchant_daily: each merchant's whole in-app store GMV and ad spend per day.

In-app GMV of merchant m on day d (data days only), for merchants with an in-app store (no
store, no in-app GMV: 0):
    Y_md = baseline_md + earlier_md + note-driven in-app GMV of orders placed that day,
    baseline_md = kappa * w_m * store factor_d * lognormal day noise (sd 0.2, mean 1),
w_m = exp(z + 0.3 e) the merchant's non-note traffic (z its size), the store factor a weekday
rhythm times the same 618 lifts and growth trend as note-driven GMV (note volume x buying), so
trends are parallel whatever a merchant's note share. kappa is set once per world so that,
over all stores, baseline GMV = store_baseline_ratio x the note-driven in-app GMV without any
link (a function of the buyers' no-link channels only, so the link knobs never move it).
earlier_md is what notes published before the period still sell (no start-up ramp on day one;
see _earlier_notes). Y1 uses the buyers' realized channels, Y0 their no-link channels with the
same baseline draws: the truth's merchant effect compares the two (truth.py).

Ad spend: pre_daily_ad_spend x weekday factor x 618 factor x 1.25 after enrolment (Red Cat brings
budgets) x lognormal day noise (sd 0.2), rescaled over the 28 days before launch so that their
mean is exactly pre_daily_ad_spend (the rule's running variable is reproducible from the data).
It is the merchant's account-level series and is not reconciled with notes' boosting spend.
Ad spend does not move store GMV here (assumption: it keeps the merchant-level truth a pure
link effect).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redcat.config import LAUNCH_DATE, PRE_LAUNCH_SPEND_DAYS
from redcat.simulate import curve
from redcat.simulate.buyers import INAPP, Buyers
from redcat.simulate.config import WorldConfig
from redcat.simulate.merchants import Merchants
from redcat.simulate.notes import PUBLISH_TREND, Notes
from redcat.simulate.rng import stream
from redcat.simulate.timeline import (
    LIFT_AD,
    LIFT_BUY,
    LIFT_PUBLISH,
    SECONDS_PER_DAY,
    WEEKDAY_AD,
    WEEKDAY_STORE,
    Timeline,
)

DAY_NOISE = 0.2
SETTLE_DAYS = 45  # days after which the notes in the data alone carry the note-driven GMV
ENROLLED_SPEND_LIFT = 1.25


@dataclass
class MerchantDaily:
    """[merchants, days] arrays over the data days."""

    inapp_gmv: np.ndarray  # Y1, as exported
    inapp_gmv_nolink: np.ndarray  # Y0: the same with every link removed
    ad_spend: np.ndarray


def order_seconds(notes: Notes, buyers: Buyers) -> np.ndarray:
    """Order time of each buyer in whole seconds since the origin."""
    return notes.publish_sec[buyers.note] + np.floor(buyers.hours * 3600.0).astype(np.int64)


def simulate_merchant_daily(
    config: WorldConfig, timeline: Timeline, merchants: Merchants, notes: Notes, buyers: Buyers
) -> MerchantDaily:
    rng = stream(config.seed, "merchant_daily")
    n_m, n_d = merchants.n, timeline.n_days

    seconds = order_seconds(notes, buyers)
    in_data = seconds <= timeline.end_seconds
    cell = notes.merchant[buyers.note].astype(np.int64) * n_d + seconds // SECONDS_PER_DAY
    note_gmv_1 = _per_cell(cell, buyers.gmv, in_data & (buyers.channel == INAPP), (n_m, n_d))
    note_gmv_0 = _per_cell(cell, buyers.gmv, in_data & (buyers.channel_nolink == INAPP), (n_m, n_d))

    store_factor = store_calendar(timeline)
    traffic = np.where(merchants.has_store, merchants.traffic_weight, 0.0)
    kappa = (
        config.store_baseline_ratio
        * note_gmv_0.sum()
        / max((traffic.sum() * store_factor.sum()), 1e-12)
    )
    noise = np.exp(DAY_NOISE * rng.standard_normal((n_m, n_d)) - DAY_NOISE**2 / 2)
    baseline = kappa * traffic[:, None] * store_factor[None, :] * noise
    baseline += _earlier_notes(note_gmv_0, store_factor)

    return MerchantDaily(
        inapp_gmv=np.round(baseline + note_gmv_1, 2),
        inapp_gmv_nolink=np.round(baseline + note_gmv_0, 2),
        ad_spend=_ad_spend(merchants, timeline, rng),
    )


def _earlier_notes(note_gmv_nolink: np.ndarray, store_factor: np.ndarray) -> np.ndarray:
    """[merchants, days] in-app GMV from the merchant's notes published before the data start.

    A store does not start from zero on the first day: notes from before the period still sell.
    Their GMV on day d is the merchant's steady note-driven level times the share of a steady
    flow's buying that comes from notes older than the period (curve.mean_survival), so the
    sum of old and new notes' GMV has no start-up ramp. The level is the merchant's no-link
    note GMV per unit of store factor after the first SETTLE_DAYS days (unchanged by links).
    """
    n_d = store_factor.shape[0]
    settled = slice(min(SETTLE_DAYS, n_d - 1), n_d)
    level = note_gmv_nolink[:, settled].sum(axis=1) / store_factor[settled].sum()
    hours = 24.0 * np.arange(n_d + 1)
    old_share = curve.mean_survival(hours[:-1], hours[1:])
    return level[:, None] * (old_share * store_factor)[None, :]


def store_calendar(timeline: Timeline) -> np.ndarray:
    """Day factor of non-note store traffic over the data days.

    The same shape as note-driven GMV (more notes and more buying at 618, the platform's
    growth), so the mix of note and non-note GMV does not drift with the calendar: trends are
    parallel across merchants whatever their note share.
    """
    days = np.arange(timeline.n_days)
    bump = timeline.festival[: timeline.n_days]
    growth = 1.0 + PUBLISH_TREND * days / timeline.n_days
    return (
        WEEKDAY_STORE[timeline.weekday[: timeline.n_days]]
        * (1 + LIFT_PUBLISH * bump)
        * (1 + LIFT_BUY * bump)
        * growth
    )


def _per_cell(
    cell: np.ndarray, gmv: np.ndarray, mask: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Sum of gmv[mask] per (merchant, day) cell → [merchants, days]."""
    flat = np.bincount(cell[mask], weights=gmv[mask], minlength=shape[0] * shape[1])
    return flat.reshape(shape)


def _ad_spend(merchants: Merchants, timeline: Timeline, rng: np.random.Generator) -> np.ndarray:
    n_m, n_d = merchants.n, timeline.n_days
    days = np.arange(n_d)
    factor = timeline.factor(WEEKDAY_AD, LIFT_AD)[:n_d]
    enrolled_after = (merchants.enrol_day[:, None] >= 0) & (
        days[None, :] >= merchants.enrol_day[:, None]
    )
    noise = np.exp(DAY_NOISE * rng.standard_normal((n_m, n_d)) - DAY_NOISE**2 / 2)
    spend = merchants.pre_spend[:, None] * factor[None, :] * noise
    spend *= np.where(enrolled_after, ENROLLED_SPEND_LIFT, 1.0)
    launch = timeline.day_of(LAUNCH_DATE)
    window = slice(max(0, launch - PRE_LAUNCH_SPEND_DAYS), min(launch, n_d))
    if window.stop > window.start:
        mean = spend[:, window].mean(axis=1)
        spend *= (merchants.pre_spend / np.where(mean > 0, mean, 1.0))[:, None]
    return np.round(spend, 2)
