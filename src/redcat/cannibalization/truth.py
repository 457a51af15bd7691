"""Estimates against a simulated world's truth.json: which true value each key is checked against.

A run can only estimate what its data show. The note-level keys are averages over linked notes
whose attribution window has closed by the run's as_of (a note published yesterday has no
14-day outcome yet). truth.json's headline keys are exactly those (linked notes whose window
closed by the data end; the average over every linked note is under `<key>_all_linked`), and
the merchant-level key sums enrolled merchants' days up to the data end, the population the run
sees. A run on the data end is checked against the headline keys.

Naive comparisons (what the design corrects): for the note keys the plain linked-minus-other
difference of the run's own data (with its Welch interval); for the ratio, the ratio of those;
for the merchant key, plain two-way fixed effects.
"""

from __future__ import annotations

import math
from typing import Any

KEYS = (
    "cannibalization.note_inapp_gmv",
    "cannibalization.note_offsite_gmv",
    "cannibalization.ratio",
    "cannibalization.merchant_inapp_pct",
)


def true_value(truth: dict[str, Any], key: str) -> float:
    """The truth a run on the data end estimates (see the module docstring)."""
    value = truth.get(key)
    return float(value) if value is not None else math.nan


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def naive_effects(out: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The naive comparison for each key, as {estimate, ci_low, ci_high} (NaN where none)."""
    note = out["note_level"]
    inapp, offsite = note.naive["inapp_gmv"], note.naive["offsite_gmv"]
    ratio = -inapp["estimate"] / offsite["estimate"] if offsite["estimate"] else math.nan
    twfe = out["merchant_level"].twfe_pct
    return {
        KEYS[0]: dict(inapp),
        KEYS[1]: dict(offsite),
        KEYS[2]: {"estimate": ratio, "ci_low": math.nan, "ci_high": math.nan},
        KEYS[3]: {"estimate": twfe, "ci_low": math.nan, "ci_high": math.nan},
    }


def compare_to_truth(out: dict[str, Any], truth: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per key: truth, estimate and interval, error, coverage; naive beside it."""
    naive = naive_effects(out)
    rows = []
    for key in KEYS:
        effect = out["results"][key]
        target = true_value(truth, key)
        low, high = _finite(effect["ci_low"]), _finite(effect["ci_high"])
        # An unbounded interval (a weakly identified ratio) is recorded as ±inf: it covers.
        low = -math.inf if math.isnan(low) else low
        high = math.inf if math.isnan(high) else high
        n_low, n_high = naive[key]["ci_low"], naive[key]["ci_high"]
        rows.append(
            {
                "key": key,
                "truth": target,
                "estimate": float(effect["estimate"]),
                "ci_low": low,
                "ci_high": high,
                "error": float(effect["estimate"]) - target,
                "covered": bool(low <= target <= high),
                "half_width": (high - low) / 2,
                "naive": naive[key]["estimate"],
                "naive_error": naive[key]["estimate"] - target,
                "naive_covered": bool(n_low <= target <= n_high) if math.isfinite(n_low) else None,
            }
        )
    return rows
