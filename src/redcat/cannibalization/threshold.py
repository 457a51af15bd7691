"""Eligibility threshold: a fuzzy regression discontinuity at the ¥5,000 daily-spend rule.

Among merchants meeting every other first-wave rule (white-listed industry, full-funnel budget
≥ ¥50,000, enterprise account), those whose pre-launch mean daily ad spend reached ¥5,000 could
enrol and many did; those just below could not. Merchants just either side are alike in size
and trend, so the jump in the outcome at the rule, divided by the jump in enrolment, is the
effect of enrolment for merchants who enrol because they cleared the rule.

- running variable: pre_daily_ad_spend − 5,000 (cutoff 0), set before launch (28-day mean);
- treatment: enrolled by as_of (fuzzy: not every eligible merchant enrols);
- outcome: the % change of mean daily in-app GMV from the 28 days before launch to the days
  from launch to as_of (see `frames.build_threshold_frame` for why relative);
- estimator: `redcat.causal.rdd` (rdrobust local linear, MSE-optimal bandwidth, robust
  bias-corrected interval) with rddensity's manipulation test, and the pre-launch GMV level
  as a placebo outcome (it cannot jump because of a rule applied later).

The effect is local to the ¥5,000 rule and diluted by timing: merchants enrol weeks after
launch, so the post-launch mean mixes days before and after their enrolment. It is therefore
smaller than the merchant-level effect per enrolled day, and reported beside it, not as it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from redcat.cannibalization.frames import TablesLike, ThresholdFrame, build_threshold_frame
from redcat.causal.rdd import rdd
from redcat.causal.result import CausalResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThresholdResult:
    rdd: CausalResult
    frame: ThresholdFrame


def estimate_threshold(
    data: TablesLike, *, as_of: pd.Timestamp, outcome: str = "relative"
) -> ThresholdResult:
    """Fuzzy RD at the spend rule: effect of enrolment on the post-launch GMV change (%)."""
    frame = build_threshold_frame(data, as_of=as_of, outcome=outcome)
    result = rdd(
        frame.frame,
        "outcome",
        "running",
        frame.cutoff,
        treatment="enrolled",
        placebo_outcomes=["pre_gmv"],
    )
    log.info("threshold: %s", result)
    return ThresholdResult(rdd=result, frame=frame)
