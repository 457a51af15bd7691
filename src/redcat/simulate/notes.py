"""Seeding notes: who posts for whom, when, what they look like, and their latent traits.

Assumptions:
- Notes go to merchants in proportion to exp(z) (bigger brands seed more) and to creators
  by a tier mix (NOTE_TIER_SHARES), uniformly within the tier.
- Publish days follow the weekly rhythm, a mild upward trend and the 618 build-up; hours follow
  a day profile with lunch and evening peaks. Note ids number notes in publish order.
- Video is more common among head and mid creators; image notes carry 1-18 images, videos 0.
  Paid collaborations (蒲公英) are likelier for bigger merchants and bigger creators.
- Price is lognormal around an industry median, times a merchant price level.
- Latents, one draw each per note, independent of everything observed above:
  * quality q ~ N(0, 1): raises click-through, every engagement rate (collects the most) and the
    purchase intent per read. It is what early signals reveal.
  * hidden propensity u ~ N(0, 1): raises purchase intent only, appears in no signal. It enters
    the link choice only through `hidden_confounding`.
  * reach r ~ lognormal(0, 0.7): scales impressions (and so reads and intents).
- Expected total impressions over a note's life (at calendar factor 1, no boosting)
  = IMP_BASE * r * (1 + followers/1000)^0.4 * (video 1.25) * (paid 1.15);
  expected reads = that * CTR(q, format);
  purchase intents per expected read = INTENT_BASE * exp(0.6 q + b u - (0.36 + b²)/2 + f(traits)),
  b = hidden_buying (0.15 by default); the latent part averages 1. Buying is NOT log-linear in
  the observable traits (real buying is not, and a flexible model should have something to
  find that a linear one on the same inputs cannot); f adds, on the log scale:
  * a price sweet spot -1.0 (x - s)², x = log(price / industry median), s = the industry's sweet
    spot (food -0.5; fmcg -0.45; electronics -0.4; home, other, sports -0.3; womenswear -0.25;
    health -0.2; maternal & baby, beauty -0.1) plus a creator-tier shift (head +0.2, mid +0.1,
    KOC 0, amateur -0.1): far below the sweet spot reads as fake or cheap, far above it is out
    of reach, and a big creator's followers trust them with dearer goods. Less its log mean
    over the simulated prices (x ~ N(0, 0.45² + 0.35²), closed form), so it averages 1 per
    industry and tier; its slope at the median is 2 s (the old straight line's -0.6 at s = -0.3);
  * paid collaboration (蒲公英) by tier: head +0.3, mid +0.2, KOC -0.2, amateur -0.6: a KOL's
    endorsement carries trust, readers discount an ad from a small account;
  * video by industry: beauty +0.45, womenswear +0.35, electronics and sports & outdoor +0.3,
    food and fmcg -0.2, 0 elsewhere: seeing the product in use sells make-up, clothes, gadgets
    and gear, while for everyday goods a photo with the price says it faster;
  * a text-length sweet spot -0.5 y², y = log(text length / its format's median), less its log
    mean (y ~ N(0, 0.6²)): a bare caption says too little, an essay loses readers first.
  Over the default mix total expected intents stay within 2% of the earlier log-linear world's
  and intents per read are about 10% lower on average (small notes lose most).
  It is a per-note multiplier, so the oracle (buyers.py) stays exact.
  `nonlinear_buying` = k (WorldConfig, default 1) blends it with the earlier log-linear world:
  f = k f(traits) + (1 - k) (-0.6 x + 0.15 paid); k = 0 is that world exactly. The
  cannibalization designs lose precision as k grows (heavier-tailed GMV), which is why the knob
  exists: the benchmarks measure both worlds.
- Boosting (聚光): a note is boosted with P = sigmoid(-1.2 + 1.0 paid + 0.4 z); a boosted note
  multiplies its reach by (1 + b), b ~ lognormal(log 0.6, 0.5), for its first 1 + Poisson(2) days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from redcat.config import CREATOR_TIERS, INDUSTRIES
from redcat.simulate.config import WorldConfig
from redcat.simulate.creators import Creators
from redcat.simulate.mathx import make_ids, sigmoid
from redcat.simulate.merchants import NOTE_SIZE_POWER, PRICE_LEVEL_SIGMA, Merchants
from redcat.simulate.rng import stream
from redcat.simulate.timeline import (
    LIFT_PUBLISH,
    PUBLISH_HOURS,
    SECONDS_PER_DAY,
    WEEKDAY_PUBLISH,
    Timeline,
)

NOTE_TIER_SHARES = {"head": 0.03, "mid": 0.12, "koc": 0.40, "amateur": 0.45}
TIER_PAID_LOGIT = {"head": 1.6, "mid": 1.1, "koc": 0.2, "amateur": -1.0}
PUBLISH_TREND = 0.3  # note volume grows by 30% over the period

PRICE_MEDIAN = {
    "fmcg": 59.0,
    "sports_outdoor": 299.0,
    "health": 159.0,
    "beauty": 199.0,
    "maternal_baby": 129.0,
    "womenswear": 239.0,
    "food": 49.0,
    "home": 159.0,
    "electronics": 899.0,
    "other": 99.0,
}
PRICE_SIGMA = 0.45

TOPICS = {
    "fmcg": ("洗护", "清洁", "纸品"),
    "sports_outdoor": ("跑步", "露营", "健身"),
    "health": ("营养补剂", "护眼", "睡眠"),
    "beauty": ("护肤", "彩妆", "香氛"),
    "maternal_baby": ("奶粉", "辅食", "童装"),
    "womenswear": ("通勤穿搭", "连衣裙", "外套"),
    "food": ("咖啡", "速食", "烘焙"),
    "home": ("收纳", "家纺", "厨具"),
    "electronics": ("耳机", "手机配件", "小家电"),
    "other": ("文具", "宠物", "礼物"),
}
# Titles are user text: some carry markup-like characters and emoji, a few are missing.
TITLE_TEMPLATES = (
    ("", "好物分享 #"),
    ("", "｜真实测评 "),
    ("被问爆的", "!! "),
    ("", " haul & review #"),
    ("<必看> ", "避雷 & 推荐 "),
    ("", "🔥平价替代 "),
    ("谁懂啊…", "真的绝了 "),
)
TITLE_MISSING = 0.01

TEXT_MEDIAN_IMAGE, TEXT_MEDIAN_VIDEO, TEXT_SIGMA = 320.0, 90.0, 0.6  # characters, lognormal

IMP_BASE = 4_000.0
FOLLOWER_ELASTICITY = 0.4
VIDEO_REACH, PAID_REACH = 1.25, 1.15
REACH_SIGMA = 0.7
CTR_BASE, CTR_QUALITY, CTR_VIDEO = 0.07, 0.35, 0.10
INTENT_BASE = 0.012  # purchase intents per expected read at average traits
INTENT_QUALITY = 0.6
# The earlier log-linear world's price and paid terms (nonlinear_buying = 0).
LINEAR_PRICE, LINEAR_PAID = -0.6, 0.15
# Price sweet spot: log intents per read fall off as -PRICE_CURVE * (x - s)², x = log(price /
# industry median), around an industry's sweet spot s: deal-driven everyday goods and
# spec-compared gadgets sell best well below the median, categories where cheap reads as fake or
# unsafe (beauty, baby, health) sell best near it.
PRICE_CURVE = 1.0
PRICE_SWEET_SPOT = {
    "food": -0.5,
    "fmcg": -0.45,
    "electronics": -0.4,
    "home": -0.3,
    "other": -0.3,
    "sports_outdoor": -0.3,
    "womenswear": -0.25,
    "health": -0.2,
    "maternal_baby": -0.1,
    "beauty": -0.1,
}
# Bigger creators move the sweet spot up: their followers trust them with dearer products.
SWEET_SPOT_BY_TIER = {"head": 0.2, "mid": 0.1, "koc": 0.0, "amateur": -0.1}
# Paid collaboration (蒲公英) by creator tier: a KOL's endorsement carries trust, while readers
# discount an ad from a small account (it reads as bought).
PAID_BY_TIER = {"head": 0.3, "mid": 0.2, "koc": -0.2, "amateur": -0.6}
# Video by industry: seeing the product in use sells make-up, clothes, gadgets and gear; for
# everyday goods a photo with the price says it all faster.
VIDEO_BY_INDUSTRY = {
    "beauty": 0.45,
    "womenswear": 0.35,
    "electronics": 0.3,
    "sports_outdoor": 0.3,
    "food": -0.2,
    "fmcg": -0.2,
}
# Text length: a proper write-up sells, a bare caption says too little and an essay loses its
# readers before the product: -TEXT_CURVE * log(length / format's median length)².
TEXT_CURVE = 0.5
BOOST_LOGIT, BOOST_PAID, BOOST_SIZE = -1.2, 1.0, 0.4
BOOST_MEDIAN, BOOST_SIGMA, BOOST_MEAN_EXTRA_DAYS = 0.6, 0.5, 2.0


@dataclass
class Notes:
    ids: pa.Array
    merchant: np.ndarray  # int32 index into Merchants
    creator: np.ndarray  # int32 index into Creators
    tier: np.ndarray  # int8 index into CREATOR_TIERS
    publish_sec: np.ndarray  # int64 seconds since the origin
    video: np.ndarray
    paid: np.ndarray
    price: np.ndarray
    text_length: np.ndarray
    n_images: np.ndarray
    topic: pa.Array
    title: pa.Array
    quality: np.ndarray
    hidden: np.ndarray
    reach: np.ndarray
    impression_scale: np.ndarray  # expected lifetime impressions at factor 1
    ctr: np.ndarray
    intent_per_read: np.ndarray
    boost: np.ndarray  # extra reach multiplier while boosted (0 = never boosted)
    boost_days: np.ndarray  # int32: boosted on relative days 0 .. boost_days - 1
    link_sec: np.ndarray | None = None  # int64 seconds since the origin, -1 = no link

    @property
    def n(self) -> int:
        return self.merchant.shape[0]

    @property
    def publish_day(self) -> np.ndarray:
        return (self.publish_sec // SECONDS_PER_DAY).astype(np.int32)

    def link_offset_hours(self, lo: int, hi: int) -> np.ndarray:
        """Link time in hours after publishing for notes lo..hi-1 (inf if never linked)."""
        link = self.link_sec[lo:hi]
        return np.where(link >= 0, (link - self.publish_sec[lo:hi]) / 3600.0, np.inf)


def draw_notes(
    config: WorldConfig, timeline: Timeline, merchants: Merchants, creators: Creators
) -> Notes:
    rng = stream(config.seed, "notes")
    n = config.notes

    day_weight = timeline.factor(WEEKDAY_PUBLISH, LIFT_PUBLISH)[: timeline.n_days]
    day_weight = day_weight * (1.0 + PUBLISH_TREND * np.arange(timeline.n_days) / timeline.n_days)
    day = rng.choice(timeline.n_days, size=n, p=day_weight / day_weight.sum())
    hour = rng.choice(24, size=n, p=PUBLISH_HOURS / PUBLISH_HOURS.sum())
    publish_sec = np.sort(day * SECONDS_PER_DAY + hour * 3600 + rng.integers(0, 3600, n))

    size_weight = np.exp(NOTE_SIZE_POWER * merchants.size)
    merchant = rng.choice(merchants.n, size=n, p=size_weight / size_weight.sum()).astype(np.int32)
    tier = rng.choice(len(CREATOR_TIERS), size=n, p=[NOTE_TIER_SHARES[t] for t in CREATOR_TIERS])
    tier = tier.astype(np.int8)
    creator = np.empty(n, dtype=np.int32)
    pick = rng.random(n)
    for t in range(len(CREATOR_TIERS)):
        members = creators.members(t)
        in_tier = tier == t
        creator[in_tier] = members[(pick[in_tier] * len(members)).astype(np.int64)]

    big_creator = tier <= CREATOR_TIERS.index("mid")
    video = rng.random(n) < np.where(big_creator, 0.5, 0.35)
    z = merchants.size[merchant]
    tier_paid = np.array([TIER_PAID_LOGIT[t] for t in CREATOR_TIERS])[tier]
    paid = rng.random(n) < sigmoid(-1.0 + 0.5 * z + tier_paid)
    n_images = np.where(video, 0, 1 + rng.binomial(17, 0.3, n)).astype(np.int64)
    text_median = np.where(video, TEXT_MEDIAN_VIDEO, TEXT_MEDIAN_IMAGE)
    text_length = np.round(text_median * np.exp(TEXT_SIGMA * rng.standard_normal(n)))
    text_length = text_length.astype(np.int64)

    industry = merchants.industry[merchant]
    median_price = np.array([PRICE_MEDIAN[i] for i in INDUSTRIES])[industry]
    price = (
        median_price
        * merchants.price_level[merchant]
        * np.exp(PRICE_SIGMA * rng.standard_normal(n))
    )
    price = np.maximum(np.round(price, 1), 1.0)
    topic_index = rng.integers(0, 3, n)
    topic, title = _topics_and_titles(industry, topic_index, rng)

    quality = rng.standard_normal(n)
    hidden = rng.standard_normal(n)
    reach = np.exp(REACH_SIGMA * rng.standard_normal(n))
    followers = creators.followers[creator]
    impression_scale = (
        IMP_BASE
        * reach
        * (1.0 + followers / 1000.0) ** FOLLOWER_ELASTICITY
        * np.where(video, VIDEO_REACH, 1.0)
        * np.where(paid, PAID_REACH, 1.0)
    )
    ctr = sigmoid(np.log(CTR_BASE / (1 - CTR_BASE)) + CTR_QUALITY * quality + CTR_VIDEO * video)
    intent_per_read = purchase_intent_per_read(
        quality,
        hidden,
        config.hidden_buying,
        np.log(price / median_price),
        industry,
        tier,
        paid,
        video,
        np.log(np.maximum(text_length, 1) / text_median),
        nonlinear=config.nonlinear_buying,
    )

    boosted = rng.random(n) < sigmoid(BOOST_LOGIT + BOOST_PAID * paid + BOOST_SIZE * z)
    boost = np.where(boosted, BOOST_MEDIAN * np.exp(BOOST_SIGMA * rng.standard_normal(n)), 0.0)
    boost_days = np.where(boosted, 1 + rng.poisson(BOOST_MEAN_EXTRA_DAYS, n), 0).astype(np.int32)

    return Notes(
        ids=make_ids("N", n),
        merchant=merchant,
        creator=creator,
        tier=tier,
        publish_sec=publish_sec.astype(np.int64),
        video=video,
        paid=paid,
        price=price,
        text_length=text_length,
        n_images=n_images,
        topic=topic,
        title=title,
        quality=quality,
        hidden=hidden,
        reach=reach,
        impression_scale=impression_scale,
        ctr=ctr,
        intent_per_read=intent_per_read,
        boost=boost,
        boost_days=boost_days,
    )


def purchase_intent_per_read(
    quality: np.ndarray,
    hidden: np.ndarray,
    hidden_buying: float,
    log_relative_price: np.ndarray,
    industry: np.ndarray,
    tier: np.ndarray,
    paid: np.ndarray,
    video: np.ndarray,
    log_relative_text: np.ndarray,
    nonlinear: float = 1.0,
) -> np.ndarray:
    """Purchase intents per expected read: INTENT_BASE times the traits' multiplier.

    `nonlinear` blends the non-linear trait terms (1) with the log-linear ones (0)."""
    # E[exp(a q + b u)] = exp((a² + b²) / 2): divide it out so INTENT_BASE is the mean.
    # b (hidden_buying) is kept small by default: the oracle knows u, no model can.
    log_multiplier = (
        INTENT_QUALITY * quality
        + hidden_buying * hidden
        - (INTENT_QUALITY**2 + hidden_buying**2) / 2
    )
    traits = _price_sweet_spot(log_relative_price, industry, tier)
    traits += np.array([PAID_BY_TIER[t] for t in CREATOR_TIERS])[tier] * paid
    traits += np.array([VIDEO_BY_INDUSTRY.get(i, 0.0) for i in INDUSTRIES])[industry] * video
    # E[exp(-c y²)] = (1 + 2c sigma²)^(-1/2) for y ~ N(0, sigma²): divide it out.
    traits += -TEXT_CURVE * log_relative_text**2 + 0.5 * np.log1p(2.0 * TEXT_CURVE * TEXT_SIGMA**2)
    linear = LINEAR_PRICE * log_relative_price + LINEAR_PAID * paid
    log_multiplier += nonlinear * traits + (1.0 - nonlinear) * linear
    return INTENT_BASE * np.exp(log_multiplier)


def _price_sweet_spot(x: np.ndarray, industry: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """-c (x - s)², less its log mean over the simulated prices (x ~ N(0, v)) so it averages 1.

    E[exp(-c (x - s)²)] = (1 + 2cv)^(-1/2) exp(-c s² / (1 + 2cv)), v the variance of the log
    price around the industry median (the merchant's price level and the note's own spread).
    """
    c = PRICE_CURVE
    s = np.array([PRICE_SWEET_SPOT[i] for i in INDUSTRIES])[industry]
    s = s + np.array([SWEET_SPOT_BY_TIER[t] for t in CREATOR_TIERS])[tier]
    spread = 1.0 + 2.0 * c * (PRICE_SIGMA**2 + PRICE_LEVEL_SIGMA**2)
    return -c * (x - s) ** 2 + 0.5 * np.log(spread) + c * s**2 / spread


def _topics_and_titles(
    industry: np.ndarray, topic_index: np.ndarray, rng: np.random.Generator
) -> tuple[pa.Array, pa.Array]:
    """Topic labels and synthetic titles, built in Arrow (no Python loop over notes)."""
    labels = [t for name in INDUSTRIES for t in TOPICS[name]]
    code = industry.astype(np.int64) * 3 + topic_index
    topic = pa.array(labels).take(pa.array(code))
    n = code.shape[0]
    template = rng.integers(0, len(TITLE_TEMPLATES), n)
    number = rng.integers(1, 1000, n)
    missing = rng.random(n) < TITLE_MISSING
    before = pa.array([b for b, _ in TITLE_TEMPLATES]).take(pa.array(template))
    after = pa.array([a for _, a in TITLE_TEMPLATES]).take(pa.array(template))
    title = pc.binary_join_element_wise(
        before, topic, after, pc.cast(pa.array(number), pa.string()), ""
    )
    title = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), title)
    return topic, title
