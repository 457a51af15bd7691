"""Merchant level: what enrolment did to a merchant's whole in-app store GMV (% change).

Design:
- units: merchants with an in-app store (no store, no in-app GMV to lose), enrolled ones and
  comparison ones of the white-listed industries (same seasons as the enrolled, e.g. 618
  lifts sports and FMCG differently from womenswear), never or not yet enrolled;
- outcome: daily in-app store GMV divided by the merchant's own mean over the 28 days before
  launch, so that a proportional season (618 lifting every store by the same %) moves big and
  small stores alike, which is what parallel trends needs across merchants of different size;
- weights: each merchant weighted by that pre-launch level (`baseline_gmv`), so the effect is a
  ratio of totals (see below);
- estimator: `redcat.causal.staggered_did` (Callaway–Sant'Anna, doubly robust, not-yet-enrolled
  and never-enrolled comparisons, weekly periods, merchant-clustered), reported relative to the
  counterfactual (100 × ATT / (treated post mean − ATT)), with the 618 festival as a calendar
  effect, an event study with pre-periods and a joint pre-trend test; plain two-way fixed
  effects beside it as the naive contrast.

Which average (shared/data-contract.md: "the relative change in a merchant's daily in-app store
GMV after enrolment, averaged over enrolled merchants and their post-enrolment days"): the
change in daily GMV averaged over enrolled merchant-days, relative to the counterfactual daily
GMV averaged over the same merchant-days, i.e. the ratio of totals Σ(Y1 − Y0) / Σ Y0. That is
the only reading in which "a merchant's daily GMV" averaged over merchants and days is itself a
mean over merchant-days (an equal-merchant mean of each merchant's own % change would average
percentages, not daily GMV, and lets a tiny store's swing count as much as a big one's); it is
what truth.json's key is, and what the business sees in its totals. Weighting each merchant's
relative outcome by its pre-launch level gives exactly that: weights × (y / baseline) = y, so
the ATT's numerator and the counterfactual denominator are both sums of ¥ over merchant-days.
Unweighted (`weights=None`), the estimate is the equal-merchant mean of relative changes
(truth.json's `..._merchant_mean`); on simulated worlds it differs from the ratio of totals by
about 1-2 points because big stores' note share, and so their effect, differs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from redcat.cannibalization.frames import MerchantPanel, TablesLike, build_merchant_panel
from redcat.causal.did import staggered_did
from redcat.causal.result import CausalResult

log = logging.getLogger(__name__)

UNIT, TIME, FIRST_TREATED = "merchant_id", "date", "first_treated"
OUTCOME_RELATIVE = "inapp_gmv_rel"
WEIGHTS = "baseline_gmv"  # pre-launch mean daily in-app GMV: relative outcome → ratio of totals
CALENDAR = ("festival_618",)
DEFAULT_COMPARISON = "whitelisted"


@dataclass(frozen=True)
class MerchantLevelResult:
    did: CausalResult
    panel: MerchantPanel

    @property
    def event_study(self) -> pd.DataFrame:
        return pd.DataFrame(self.did.diagnostics.get("event_study", []))

    @property
    def twfe_pct(self) -> float:
        return float(self.did.diagnostics.get("twfe_relative_pct", float("nan")))


def estimate_merchant_level(
    data: TablesLike,
    *,
    as_of: pd.Timestamp,
    comparison: str = DEFAULT_COMPARISON,
    outcome: str = OUTCOME_RELATIVE,
    control_group: str = "notyettreated",
    panel: MerchantPanel | None = None,
    weights: str | None = WEIGHTS,
) -> MerchantLevelResult:
    """The % change in enrolled merchants' in-app store GMV caused by enrolment (a ratio of
    totals with the default weights; None for the equal-merchant mean)."""
    panel = panel or build_merchant_panel(data, as_of=as_of, comparison=comparison)
    frame = panel.frame.dropna(subset=[outcome])
    if weights is not None:
        frame = frame[frame[weights] > 0]
    did = staggered_did(
        frame,
        UNIT,
        TIME,
        outcome,
        FIRST_TREATED,
        relative=True,
        calendar_effects=list(CALENDAR),
        control_group=control_group,
        # Pre-period coefficients relative to the last week before enrolment, as an event-study
        # chart is read (the post-period estimates, and so the effect, do not depend on it).
        base_period="universal",
        weights=weights,
    )
    log.info("merchant level: %s", did)
    return MerchantLevelResult(did=did, panel=panel)
