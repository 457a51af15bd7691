"""Creators (博主) in four tiers with heavy-tailed follower counts.

Assumptions: most creators are ordinary users (素人) and KOCs; head and mid-tier KOLs are few but
write a larger share of brand notes (see notes.NOTE_TIER_SHARES). Followers are lognormal within
a tier: head ~1.2M, mid ~150k, KOC ~15k, amateur ~600 (medians), wide spreads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from redcat.config import CREATOR_TIERS
from redcat.simulate.config import WorldConfig
from redcat.simulate.mathx import make_ids
from redcat.simulate.rng import stream

CREATOR_TIER_SHARES = {"head": 0.01, "mid": 0.06, "koc": 0.28, "amateur": 0.65}
FOLLOWER_MEDIAN = {"head": 1_200_000, "mid": 150_000, "koc": 15_000, "amateur": 600}
FOLLOWER_SIGMA = {"head": 0.6, "mid": 0.5, "koc": 0.6, "amateur": 1.0}


@dataclass
class Creators:
    ids: pa.Array
    tier: np.ndarray  # int8 index into CREATOR_TIERS
    followers: np.ndarray  # int64

    @property
    def n(self) -> int:
        return self.tier.shape[0]

    def members(self, tier: int) -> np.ndarray:
        return np.flatnonzero(self.tier == tier)


def draw_creators(config: WorldConfig) -> Creators:
    rng = stream(config.seed, "creators")
    n = config.n_creators
    shares = [CREATOR_TIER_SHARES[t] for t in CREATOR_TIERS]
    tier = rng.choice(len(CREATOR_TIERS), size=n, p=shares).astype(np.int8)
    tier[: len(CREATOR_TIERS)] = np.arange(len(CREATOR_TIERS))  # every tier has someone
    median = np.array([FOLLOWER_MEDIAN[t] for t in CREATOR_TIERS], dtype=np.float64)[tier]
    sigma = np.array([FOLLOWER_SIGMA[t] for t in CREATOR_TIERS])[tier]
    followers = np.round(median * np.exp(sigma * rng.standard_normal(n))).astype(np.int64)
    return Creators(ids=make_ids("C", n), tier=tier, followers=followers)
