"""Merchants: industry, a latent size, the Red Cat eligibility rules and staggered enrolment.

Assumptions (shared/domain.md):
- A latent log-size z ~ N(0, 1) drives everything "big": pre-launch daily ad spend (lognormal,
  spread widely around the ¥5,000 rule so a regression discontinuity has merchants on both
  sides), the full-funnel budget, holding an enterprise account, and how many notes the brand
  seeds.
- In-app stores are more common where Xiaohongshu is strong (maternal & baby, womenswear,
  beauty) and in the white-listed industries, whose first-wave brands are large XHS advertisers
  (`store_share_whitelisted`, 0.8 at average size by default; about 0.85 of eligible merchants),
  and still common elsewhere (0.55). The white-listed share sets how many enrolled merchants
  the merchant-level design has.
- Eligible = white-listed industry AND pre spend >= ¥5,000 AND budget >= ¥50,000 AND
  enterprise account. Only eligible merchants enrol. A share `enrol_share` of them means to
  enrol; each waits an exponential number of weeks whose mean grows with size (big brands
  "observe" first), and joins in the Monday batch from 2025-05-12 on (batch onboarding). Those
  whose week falls after the data end are "not yet" enrolled. Batches of fewer than
  MIN_COHORT merchants are merged into the next batch (the last one into the previous batch).
- Merchant-level traits the buyers use: the in-app buying share of readers' intents (only with
  a store), a price level (lognormal, log-sd 0.35), and the weight of non-note store traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from redcat.config import (
    INDUSTRIES,
    LAUNCH_DATE,
    MIN_DAILY_AD_SPEND,
    MIN_FUNNEL_BUDGET,
    WHITELIST_INDUSTRIES,
)
from redcat.simulate.config import WorldConfig
from redcat.simulate.mathx import logit, make_ids, sigmoid
from redcat.simulate.rng import stream
from redcat.simulate.timeline import Timeline

INDUSTRY_SHARES = {
    "fmcg": 0.16,
    "sports_outdoor": 0.10,
    "health": 0.10,
    "beauty": 0.14,
    "maternal_baby": 0.08,
    "womenswear": 0.10,
    "food": 0.10,
    "home": 0.08,
    "electronics": 0.06,
    "other": 0.08,
}
# P(in-app store) at average size, by industry; white-listed industries: the config knob.
STORE_SHARE = {"maternal_baby": 0.85, "womenswear": 0.85, "beauty": 0.75}
STORE_SHARE_OTHER = 0.55
STORE_SIZE_LOGIT = 0.3
# Share of a note's purchase intents that buy in the in-app store (if there is one):
# higher where Xiaohongshu's own store is strong.
INAPP_BUY_SHARE = {"maternal_baby": 0.16, "womenswear": 0.16, "beauty": 0.13}
INAPP_BUY_SHARE_OTHER = 0.10
PRICE_LEVEL_SIGMA = 0.35  # log-sd of a merchant's price level (x its industry's median)

SPEND_LOG_MEAN, SPEND_SIZE, SPEND_NOISE = -0.25, 0.85, 0.45  # around log(¥5,000)
BUDGET_LOG_MEAN, BUDGET_SIZE, BUDGET_NOISE = 0.15, 0.75, 0.6  # around log(¥50,000)
ENTERPRISE_LOGIT, ENTERPRISE_SIZE = 0.6, 1.4
NOTE_SIZE_POWER = 1.0  # notes (and non-note store traffic) ∝ exp(z)
ENROL_MEAN_WEEKS = 4.0  # at z = 1 (a typical eligible merchant)
ENROL_SIZE_DELAY = 0.45  # bigger brands wait longer
MIN_COHORT = 3


@dataclass
class Merchants:
    ids: pa.Array  # merchant_id strings
    industry: np.ndarray  # int8 index into INDUSTRIES
    size: np.ndarray  # latent log-size z
    has_store: np.ndarray
    enterprise: np.ndarray
    pre_spend: np.ndarray
    budget: np.ndarray
    eligible: np.ndarray
    enrol_day: np.ndarray  # day index of enrolment (midnight); -1 if not enrolled in the data
    inapp_share: np.ndarray  # share of intents buying in-app (0 without a store)
    price_level: np.ndarray
    traffic_weight: np.ndarray  # relative non-note store traffic

    @property
    def n(self) -> int:
        return self.size.shape[0]

    @property
    def enrolled(self) -> np.ndarray:
        return self.enrol_day >= 0


def draw_merchants(config: WorldConfig, timeline: Timeline) -> Merchants:
    rng = stream(config.seed, "merchants")
    n = config.n_merchants
    industry = rng.choice(len(INDUSTRIES), size=n, p=[INDUSTRY_SHARES[i] for i in INDUSTRIES])
    industry = industry.astype(np.int8)
    size = rng.standard_normal(n)
    pre_spend = MIN_DAILY_AD_SPEND * np.exp(
        SPEND_LOG_MEAN + SPEND_SIZE * size + SPEND_NOISE * rng.standard_normal(n)
    )
    budget = MIN_FUNNEL_BUDGET * np.exp(
        BUDGET_LOG_MEAN + BUDGET_SIZE * size + BUDGET_NOISE * rng.standard_normal(n)
    )
    enterprise = rng.random(n) < sigmoid(ENTERPRISE_LOGIT + ENTERPRISE_SIZE * size)

    names = np.array(INDUSTRIES)[industry]
    whitelisted = np.isin(names, WHITELIST_INDUSTRIES)
    base_store = np.array([STORE_SHARE.get(i, STORE_SHARE_OTHER) for i in INDUSTRIES])[industry]
    base_store = np.where(whitelisted, config.store_share_whitelisted, base_store)
    has_store = rng.random(n) < sigmoid(logit(base_store) + STORE_SIZE_LOGIT * size)

    pre_spend = np.round(pre_spend, 2)
    budget = np.round(budget, -3)
    eligible = (
        whitelisted & (pre_spend >= MIN_DAILY_AD_SPEND) & (budget >= MIN_FUNNEL_BUDGET) & enterprise
    )

    intends = eligible & (rng.random(n) < config.enrol_share)
    mean_weeks = ENROL_MEAN_WEEKS * np.exp(ENROL_SIZE_DELAY * (size - 1.0))
    week = np.floor(rng.exponential(1.0, n) * mean_weeks).astype(np.int64)
    enrol_day = _weekly_cohorts(np.where(intends, week, -1), timeline)

    inapp_share = np.array([INAPP_BUY_SHARE.get(i, INAPP_BUY_SHARE_OTHER) for i in INDUSTRIES])[
        industry
    ]
    inapp_share = np.where(
        has_store, inapp_share * np.exp(0.25 * rng.standard_normal(n) - 0.03), 0.0
    )
    price_level = np.exp(PRICE_LEVEL_SIGMA * rng.standard_normal(n))
    traffic_weight = np.exp(NOTE_SIZE_POWER * size + 0.3 * rng.standard_normal(n))

    ids = make_ids("M", n)
    return Merchants(
        ids=ids,
        industry=industry,
        size=size,
        has_store=has_store,
        enterprise=enterprise,
        pre_spend=pre_spend,
        budget=budget,
        eligible=eligible,
        enrol_day=enrol_day,
        inapp_share=inapp_share,
        price_level=price_level,
        traffic_weight=traffic_weight,
    )


def _weekly_cohorts(week: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Week offsets from launch (-1 = never) → enrolment day index (-1 = not in the data).

    Batches join on the Mondays from LAUNCH_DATE (a Monday) to the data end, each of at least
    MIN_COHORT merchants.
    """
    launch = timeline.day_of(LAUNCH_DATE)  # >= 0: WorldConfig starts the data before launch
    last_day = timeline.n_days - 1
    n_weeks = (last_day - launch) // 7 + 1 if last_day >= launch else 0
    week = np.where(week < n_weeks, week, -1)
    _merge_small_batches(week)
    return np.where(week >= 0, launch + 7 * week, -1)


def _merge_small_batches(week: np.ndarray) -> None:
    """In place: move batches smaller than MIN_COHORT into the next batch (the last into the previous)."""
    batches = np.unique(week[week >= 0])
    for i, w in enumerate(batches[:-1]):
        members = week == w
        if 0 < members.sum() < MIN_COHORT:
            week[members] = batches[i + 1]
    batches = np.unique(week[week >= 0])
    if len(batches) >= 2 and (week == batches[-1]).sum() < MIN_COHORT:
        week[week == batches[-1]] = batches[-2]
