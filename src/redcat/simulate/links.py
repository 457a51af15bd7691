"""Which notes get a 种草直达 link, and when.

Assumptions:
- Only notes of enrolled merchants get links, never before the enrolment day (midnight) nor
  before the note is published, and never after the data end (a link planned after the export
  date is not part of this world).
- A note published on or after its merchant's enrolment is linked with probability
      sigmoid(logit(link_rate) + selection_on_quality * q + hidden_confounding * u
              + 0.6 * (paid - 0.5) + 0.3 * (z - 1)),
  z the merchant's size: merchants link their better notes, paid collaborations, and big
  merchants link more. Links do NOT change impressions, reads or engagement: a note's signals
  are the same with or without its link (later estimators rely on this to use early engagement
  as controls).
- Link delay after publishing: 65% exponential with mean 5 hours, 22% uniform 24-72 hours, 13%
  72 hours plus an exponential with mean 5 days. With H = 72 most links count as "linked".
- A note published before its merchant enrolled is linked after the enrolment only rarely: with
  probability 0.3 * exp(-age at enrolment / 7 days) times the same choice probability, at the
  enrolment plus an exponential delay with mean 36 hours (so rarely within H of publishing).
"""

from __future__ import annotations

import numpy as np

from redcat.simulate.config import WorldConfig
from redcat.simulate.mathx import logit, sigmoid
from redcat.simulate.merchants import Merchants
from redcat.simulate.notes import Notes
from redcat.simulate.rng import stream
from redcat.simulate.timeline import SECONDS_PER_DAY, Timeline

LINK_PAID, LINK_SIZE = 0.6, 0.3
DELAY_FAST_SHARE, DELAY_FAST_MEAN_H = 0.65, 5.0
DELAY_MID_SHARE = 0.22  # uniform 24-72 h
DELAY_LATE_MEAN_H = 120.0  # beyond 72 h
RETRO_SHARE, RETRO_AGE_DAYS, RETRO_DELAY_MEAN_H = 0.3, 7.0, 36.0
NO_LINK = -1


def draw_links(
    config: WorldConfig, timeline: Timeline, merchants: Merchants, notes: Notes
) -> np.ndarray:
    """link_sec per note (int64 seconds since the origin, NO_LINK if never linked)."""
    rng = stream(config.seed, "links")
    n = notes.n
    enrol_day = merchants.enrol_day[notes.merchant]
    enrolled = enrol_day >= 0
    enrol_sec = enrol_day.astype(np.int64) * SECONDS_PER_DAY
    after = enrolled & (notes.publish_sec >= enrol_sec)
    before = enrolled & ~after

    index = (
        logit(config.link_rate)
        + config.selection_on_quality * notes.quality
        + config.hidden_confounding * notes.hidden
        + LINK_PAID * (notes.paid - 0.5)
        + LINK_SIZE * (merchants.size[notes.merchant] - 1.0)
    )
    p_choice = sigmoid(index)
    age_days = (enrol_sec - notes.publish_sec) / SECONDS_PER_DAY
    p_retro = RETRO_SHARE * np.exp(-np.maximum(age_days, 0.0) / RETRO_AGE_DAYS) * p_choice
    u_choice = rng.random(n)
    linked = (after & (u_choice < p_choice)) | (before & (u_choice < p_retro))

    # Delays, drawn for every note so the draws do not depend on which notes are linked.
    u_kind = rng.random(n)
    fast = rng.exponential(DELAY_FAST_MEAN_H, n)
    mid = rng.uniform(24.0, 72.0, n)
    late = 72.0 + rng.exponential(DELAY_LATE_MEAN_H, n)
    retro = rng.exponential(RETRO_DELAY_MEAN_H, n)
    delay_h = np.where(
        u_kind < DELAY_FAST_SHARE,
        fast,
        np.where(u_kind < DELAY_FAST_SHARE + DELAY_MID_SHARE, mid, late),
    )
    link_sec = np.where(
        after,
        notes.publish_sec + np.round(delay_h * 3600).astype(np.int64),
        enrol_sec + np.round(retro * 3600).astype(np.int64),
    )
    linked &= link_sec <= timeline.end_seconds
    return np.where(linked, link_sec, NO_LINK).astype(np.int64)
