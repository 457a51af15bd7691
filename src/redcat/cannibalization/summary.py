"""Every cannibalization result of a run, in one call, for notebook 03 and results.json.

`estimate_all(run)` takes a RunContext (or a dataset plus parameters) and returns a dict:

- "results": the four results.json effects (shared/data-contract.md), each
  {"estimate", "ci_low", "ci_high", "method", "n"};
- "note_level", "merchant_level", "threshold": the designs' full results;
- "heterogeneity": subgroup effects (table); "robustness": placebo launch, placebo outcome,
  hidden-confounder sensitivity, and "fragile"; "designs": the three designs side by side;
- "timings": seconds per step.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from redcat.cannibalization.frames import TablesLike, build_merchant_panel, build_threshold_frame
from redcat.cannibalization.heterogeneity import effects_by_subgroup
from redcat.cannibalization.merchant_level import (
    DEFAULT_COMPARISON,
    MerchantLevelResult,
    estimate_merchant_level,
)
from redcat.cannibalization.note_level import INAPP, OFFSITE, OUTCOME_POOL, estimate_note_level
from redcat.cannibalization.robustness import (
    designs_side_by_side,
    hidden_confounder,
    is_fragile,
    placebo_launch,
    placebo_outcome,
)
from redcat.cannibalization.threshold import ThresholdResult, estimate_threshold
from redcat.causal.result import not_estimated

log = logging.getLogger(__name__)

RESULT_KEYS = {
    "note_inapp": "cannibalization.note_inapp_gmv",
    "note_offsite": "cannibalization.note_offsite_gmv",
    "ratio": "cannibalization.ratio",
    "merchant_pct": "cannibalization.merchant_inapp_pct",
}
# Single observed controls benchmarked one by one (each refits the nuisance models); the early
# signals as a group are always benchmarked (robustness.hidden_confounder).
SENSITIVITY_BENCHMARKS: tuple[str, ...] = ()


@dataclass(frozen=True)
class EstimationParams:
    """What the estimation needs from a run's parameters."""

    window_days: int
    horizon_hours: int
    seed: int
    as_of: pd.Timestamp


def _inputs(run: Any, params: Any | None) -> tuple[TablesLike, EstimationParams]:
    """Accept a RunContext (data, params, as_of) or a dataset plus a parameters object."""
    if params is None and hasattr(run, "data") and hasattr(run, "params"):
        data, p, as_of = run.data, run.params, run.as_of
    else:
        if params is None:
            raise ValueError("estimate_all(data, params): params are needed with a dataset")
        data, p = run, params
        as_of = getattr(params, "as_of", None)
        if as_of is None or as_of == "":
            end = pd.Timestamp(data.data_end)
            as_of = end.normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return data, EstimationParams(
        window_days=int(p.window_days),
        horizon_hours=int(p.horizon_hours),
        seed=int(p.seed),
        as_of=pd.Timestamp(as_of),
    )


def _or_unavailable(work: Callable[[], Any], fallback: Callable[[str], Any]) -> Any:
    try:
        return work()
    except ValueError as exc:  # the estimators' way of saying the data cannot support them
        log.warning("not estimated: %s", exc)
        return fallback(str(exc))


def estimate_all(
    run: Any,
    params: Any | None = None,
    *,
    robustness: bool = True,
    n_rep: int = 3,
    sensitivity_benchmarks: tuple[str, ...] = SENSITIVITY_BENCHMARKS,
    outcome_pool: int | None = OUTCOME_POOL,
) -> dict[str, Any]:
    """Run the three designs, their subgroups and robustness checks (see the module doc).

    `outcome_pool` is the note level's outcome pool size (see note_level.OUTCOME_POOL).
    `sensitivity_benchmarks` refit the outcome models without the pool, so they need
    outcome_pool=0 (checked before any work starts).
    """
    if robustness and sensitivity_benchmarks and outcome_pool:
        raise ValueError(
            "sensitivity_benchmarks refit the note-level outcome models without the outcome "
            f"pool, so they cannot be combined with outcome_pool={outcome_pool}: pass "
            "outcome_pool=0 to benchmark single controls"
        )
    data, p = _inputs(run, params)
    timings: dict[str, float] = {}

    def timed(step: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = work()
        timings[step] = round(time.perf_counter() - start, 2)
        log.info("%s took %.1fs", step, timings[step])
        return out

    note = timed(
        "note_level",
        lambda: estimate_note_level(
            data,
            window_days=p.window_days,
            horizon_hours=p.horizon_hours,
            as_of=p.as_of,
            seed=p.seed,
            n_rep=n_rep,
            outcome_pool=outcome_pool,
        ),
    )
    # The merchant-level and threshold designs need enough enrolled merchants (cohorts of three
    # or more) and merchants near the rule; on thin data they are reported as not estimated
    # rather than failing the whole report.
    merchant = timed(
        "merchant_level",
        lambda: _or_unavailable(
            lambda: estimate_merchant_level(data, as_of=p.as_of),
            lambda reason: MerchantLevelResult(
                did=not_estimated("merchant-level DiD", reason),
                panel=build_merchant_panel(data, as_of=p.as_of, comparison=DEFAULT_COMPARISON),
            ),
        ),
    )
    threshold = timed(
        "threshold",
        lambda: _or_unavailable(
            lambda: estimate_threshold(data, as_of=p.as_of),
            lambda reason: ThresholdResult(
                rdd=not_estimated("threshold RDD", reason),
                frame=build_threshold_frame(data, as_of=p.as_of),
            ),
        ),
    )
    subgroups = timed(
        "heterogeneity",
        lambda: effects_by_subgroup({INAPP: note.inapp, OFFSITE: note.offsite}, note.notes.frame),
    )
    out: dict[str, Any] = {
        "results": {
            RESULT_KEYS["note_inapp"]: note.inapp.to_effect(),
            RESULT_KEYS["note_offsite"]: note.offsite.to_effect(),
            RESULT_KEYS["ratio"]: note.ratio.to_effect(),
            RESULT_KEYS["merchant_pct"]: merchant.did.to_effect(),
        },
        "note_level": note,
        "merchant_level": merchant,
        "threshold": threshold,
        "heterogeneity": subgroups,
        "params": p,
        "timings": timings,
    }
    if robustness:
        sensitivity = timed("sensitivity", lambda: hidden_confounder(note, sensitivity_benchmarks))
        placebo = timed("placebo_outcome", lambda: placebo_outcome(note, p.seed))
        out["robustness"] = {
            "placebo_launch": timed(
                "placebo_launch",
                lambda: _or_unavailable(
                    lambda: placebo_launch(merchant.panel),
                    lambda reason: not_estimated("placebo launch", reason),
                ),
            ),
            "placebo_outcome": placebo,
            "sensitivity": sensitivity,
            "fragile": is_fragile(sensitivity, placebo),
        }
    fragile = out["robustness"]["fragile"] if robustness else None
    out["designs"] = designs_side_by_side(note, merchant, threshold, fragile=fragile)
    log.info("cannibalization estimates: %s", out["results"])
    return out
