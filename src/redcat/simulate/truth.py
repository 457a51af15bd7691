"""The true effects, from both potential outcomes of the same simulated buyers.

Nothing here is a formula an estimator could share: every number sums the GMV of simulated
orders (all of them, reported or not, and past the data end where a window runs past it) under
the realized links and with the links removed.

The headline keys are the estimands a run on the data end can estimate from what it sees: its
note-level designs can only use notes whose attribution window has closed by the data end
("mature"), so the headline note keys average over *mature* linked notes; the merchant key sums
enrolled merchants' days up to the data end. The average over every linked note, including
those whose window runs past the data end, is kept under `<key>_all_linked`.

- Linked note (the contract): link_time within H hours after publish_time (inclusive).
- In W: orders placed in [publish_time, publish_time + W days).
- Mature note: publish_time + W days <= the data end (its window closed in the data).
- cannibalization.note_inapp_gmv: mean over mature linked notes of in-app GMV in W with the link
  minus without it (¥ per linked note; negative = cannibalization). note_offsite_gmv: the same
  for off-site GMV (link and search channels). ratio: -(in-app effect) / (off-site effect).
- cannibalization.merchant_inapp_pct: 100 x sum over enrolled merchants' days from enrolment
  (inclusive) to the data end of (Y1 - Y0) / sum of Y0, Y1 the exported whole-store in-app GMV
  and Y0 the same with every link of the merchant removed (a ratio of totals: the average daily
  change over enrolled merchant-days relative to their average counterfactual daily GMV);
  ..._merchant_mean: the mean over enrolled merchants with an in-app store of each merchant's
  100 x (sum Y1 - sum Y0) / sum Y0 over its post-enrolment days (equal weight per merchant).
- naive.*: mean GMV in W (all orders) of mature linked notes minus that of all other mature
  notes: what a comparison without adjustment would find.
- *_all_linked variants: over every linked note, mature or not (not estimable from the data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from redcat.simulate.buyers import INAPP, LINK, SEARCH, Buyers, Oracle
from redcat.simulate.config import WorldConfig
from redcat.simulate.merchant_daily import MerchantDaily
from redcat.simulate.merchants import Merchants
from redcat.simulate.notes import Notes
from redcat.simulate.timeline import SECONDS_PER_DAY, Timeline

DEFINITIONS = {
    "linked_note": "A note whose link_time falls within horizon_hours after its publish_time (inclusive).",
    "window": "A note's orders placed in [publish_time, publish_time + window_days days), counting every simulated order, reported or not.",
    "mature_note": "A note whose window closed by the data end (publish_time + window_days <= data end).",
    "cannibalization.note_inapp_gmv": "Mean over mature linked notes of in-app GMV in the window with the link minus without it (the same simulated buyers), ¥ per linked note.",
    "cannibalization.note_offsite_gmv": "Mean over mature linked notes of off-site GMV (link and search channels) in the window with the link minus without it, ¥ per linked note.",
    "cannibalization.ratio": "-(note in-app effect) / (note off-site effect) over the same mature linked notes: in-app ¥ lost per ¥ of extra off-site GMV.",
    "cannibalization.merchant_inapp_pct": "100 x sum over enrolled merchants' days from enrolment to the data end of (whole-store in-app GMV - the same with all the merchant's links removed) / sum of the latter: a ratio of totals (each merchant-day weighted by its counterfactual GMV).",
    "cannibalization.merchant_inapp_pct_merchant_mean": "The mean over enrolled merchants with an in-app store of each merchant's own ratio-of-totals effect (%) over its post-enrolment days.",
    "naive.note_inapp_gmv": "Mean in-app GMV in the window of mature linked notes minus that of all other mature notes (no adjustment).",
    "naive.note_offsite_gmv": "Mean off-site GMV in the window of mature linked notes minus that of all other mature notes (no adjustment).",
    "all_linked": "The *_all_linked keys average over every linked note, including those whose window runs past the data end (which no run on the data can estimate).",
}


def linked_notes(notes: Notes, horizon_hours: int) -> np.ndarray:
    delay = notes.link_sec - notes.publish_sec
    return (notes.link_sec >= 0) & (delay <= horizon_hours * 3600)


def note_truth_frame(
    config: WorldConfig, notes: Notes, buyers: Buyers, oracle: Oracle
) -> pd.DataFrame:
    """Per-note truth: latents, the oracle and the realized potential outcomes in W."""
    in_w = buyers.hours < 24.0 * config.window_days
    offsite_1 = (buyers.channel == SEARCH) | (buyers.channel == LINK)
    offsite_0 = buyers.channel_nolink == SEARCH

    def total(mask: np.ndarray) -> np.ndarray:
        keep = in_w & mask
        return np.bincount(buyers.note[keep], weights=buyers.gmv[keep], minlength=notes.n)

    n_offsite = np.bincount(buyers.note[in_w & offsite_1], minlength=notes.n)
    return pd.DataFrame(
        {
            "note_id": notes.ids.to_pandas(),
            "linked": linked_notes(notes, config.horizon_hours),
            "quality": notes.quality,
            "hidden_propensity": notes.hidden,
            "reach": notes.reach,
            "p_offsite_true": oracle.p_offsite,
            "expected_offsite_orders_true": oracle.expected_offsite,
            "expected_offsite_gmv_true": oracle.expected_offsite_gmv,
            "offsite_orders_w": n_offsite.astype(np.int64),
            "inapp_gmv_w_link": total(buyers.channel == INAPP),
            "inapp_gmv_w_nolink": total(buyers.channel_nolink == INAPP),
            "offsite_gmv_w_link": total(offsite_1),
            "offsite_gmv_w_nolink": total(offsite_0),
        }
    )


def compute_truth(
    config: WorldConfig,
    timeline: Timeline,
    notes: Notes,
    merchants: Merchants,
    note_truth: pd.DataFrame,
    daily: MerchantDaily,
) -> dict:
    linked = note_truth["linked"].to_numpy()
    mature = notes.publish_sec + config.window_days * SECONDS_PER_DAY <= timeline.end_seconds + 1
    inapp_1, inapp_0 = (
        note_truth["inapp_gmv_w_link"].to_numpy(),
        note_truth["inapp_gmv_w_nolink"].to_numpy(),
    )
    off_1, off_0 = (
        note_truth["offsite_gmv_w_link"].to_numpy(),
        note_truth["offsite_gmv_w_nolink"].to_numpy(),
    )

    truth: dict = {}
    # Headline keys: mature linked notes (what a run on the data end estimates).
    for suffix, subset in (("", linked & mature), ("_all_linked", linked)):
        inapp = _mean(inapp_1[subset] - inapp_0[subset])
        offsite = _mean(off_1[subset] - off_0[subset])
        truth[f"cannibalization.note_inapp_gmv{suffix}"] = inapp
        truth[f"cannibalization.note_offsite_gmv{suffix}"] = offsite
        truth[f"cannibalization.ratio{suffix}"] = _ratio(0.0 - inapp, offsite)  # 0.0 - x: no -0.0
    truth["n_linked_notes"] = int(linked.sum())
    truth["n_linked_notes_mature"] = int((linked & mature).sum())

    pct, pct_mean, n_store = _merchant_effect(merchants, daily)
    truth["cannibalization.merchant_inapp_pct"] = pct
    truth["cannibalization.merchant_inapp_pct_merchant_mean"] = pct_mean
    treated, others = linked & mature, ~linked & mature
    truth["naive.note_inapp_gmv"] = _mean(inapp_1[treated]) - _mean(inapp_1[others])
    truth["naive.note_offsite_gmv"] = _mean(off_1[treated]) - _mean(off_1[others])
    truth.update(
        {
            "n_notes": int(notes.n),
            "n_merchants": int(merchants.n),
            "n_eligible_merchants": int(merchants.eligible.sum()),
            "n_enrolled_merchants": int(merchants.enrolled.sum()),
            "n_enrolled_merchants_with_store": n_store,
            "n_notes_with_link": int((notes.link_sec >= 0).sum()),
            "window_days": config.window_days,
            "horizon_hours": config.horizon_hours,
            "data_end": config.data_end.isoformat(sep=" "),
            "definitions": DEFINITIONS,
            "config": config.model_dump(mode="json"),
        }
    )
    return truth


def _merchant_effect(merchants: Merchants, daily: MerchantDaily) -> tuple[float, float, int]:
    days = np.arange(daily.inapp_gmv.shape[1])
    post = merchants.enrolled[:, None] & (days[None, :] >= merchants.enrol_day[:, None])
    y1 = np.where(post, daily.inapp_gmv, 0.0).sum(axis=1)
    y0 = np.where(post, daily.inapp_gmv_nolink, 0.0).sum(axis=1)
    total = _ratio(100.0 * (y1.sum() - y0.sum()), y0.sum())
    with_store = merchants.enrolled & (y0 > 0)
    per_merchant = 100.0 * (y1[with_store] - y0[with_store]) / y0[with_store]
    return total, _mean(per_merchant), int(with_store.sum())


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if x.size else float("nan")


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den != 0 else float("nan")
