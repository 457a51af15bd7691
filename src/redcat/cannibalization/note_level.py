"""Note level: what a link does to a linked note's in-app and off-site GMV, and their ratio.

Design (see `frames` and `controls` for the pieces):
- units: notes whose merchant had enrolled by the note's horizon (only they could be linked),
  whose W-day window has closed by as_of; notes linked after H are left out (neither linked in
  the contract's sense nor link-free over their window);
- treatment: linked within H hours of publishing; estimand: the ATT over those linked notes;
- controls: merchant, creator, note and calendar traits fixed before any link, the merchant's
  pre-launch seeding record, and the early signals the link-shift test admits;
- estimator: `redcat.causal.att_dml_ratio` (doubly robust ATT, LightGBM, cross-fitted, folds by
  merchant so a merchant's notes never inform their own predictions, merchant-clustered SEs),
  in-app and off-site on the same folds and propensities, and the ratio
  −ATT(in-app)/ATT(off-site) with Fieller's interval from their joint influence functions
  (unbounded when the off-site effect cannot be told from zero).

Intervals: the sample-ATT variance (VARIANCE; `redcat.causal._sample_variance`). DoubleML's
population variance also counts how much the link's effect varies between notes, which is no
error about the contract's estimand, the average over the linked notes in hand: on the
simulated worlds the same seed gives the same errors at every cannibalization level, yet the
population half-widths grow with cannibalization (off-site 1.5-2x from none to strong), and so
over-cover. The sample-ATT variance replaces the linked notes' own term by a model of their
GMV-without-link noise learned on comparison notes, except for linked notes beyond the
comparison notes' support (propensity above 0.8) and linked notes whose own residual is
larger than the model allows all of them together (a note selling several times what its
traits predict), which keep their own residual; the ratio puts the notes either outcome
flags on their own residual in both.

Measured on simulated worlds (100,000 notes, with 6,000 sampled comparison notes of
unenrolled merchants and the 25,000-note outcome pool, OUTCOME_POOL), where links are chosen
on observables, 60 seeds 1000-1059, the variances scored on the same fits
(benchmarks/bench_note_variance.py; the estimates are those of
benchmarks/bench_cannibalization_truth.py, seed for seed, and the SEs those att_dml_ratio's
components give):
95% coverage in [0.90, 0.99] in all 18 note-level cells: in-app 0.933-0.967, off-site
0.933-0.983, the ratio (Fieller) 0.917-0.967; errors spread 0.95-1.06 SE in-app and
0.91-1.04 off-site. Without the surprising-note rule 16 of 18 (the ratio 0.883 in
moderate_weak and strong_weak; in none_weak one world, seed 1050, had an in-app error of
199 against an SE of 13.5, errors spread 2.1 SE), with the population variance 16 of 18
(off-site 1.00 in two cells: too wide, errors spread 0.52-1.0 SE), with the noise model alone
13 of 18 (off-site 0.85 under strong selection). |bias| under a quarter of the median
half-width in all 18 cells: in-app +18.5 ¥ (Monte Carlo SE 8.3) under weak selection and +3.7
(19.7) under strong, against half-widths of 113-121 and 190-198; the ratio's mean errors
-0.35 to +0.08 against quarter half-widths of 0.09-0.45 (in none_strong a third of the ratio
intervals are unbounded: the off-site effect, about 108 ¥, is within two SEs of zero). Adding
the simulator's latent note quality, or its merchant latents (size, in-app share, price
level, traffic), as controls moved the weak-selection in-app estimates by 0.4 (SE 2.5) and
-3 (SE 4) on 20 paired worlds: the +18.5 is not selection on a trait the signals miss. The
merchant level is measured by the truth benchmark (40 seeds: coverage 0.90-0.925). With 60
worlds a cell's coverage is a count out of 60: exact 95% intervals land in [0.90, 0.99] with
probability 0.92 per cell.
Without the pool (the default until 6 Dec 2026), with the population variance, seeds
1000-1039 gave 14 of 24:
in-app coverage 0.875-0.90 under strong selection with an upward error (median +41 ¥; with the
pool +22), 1.00 in none_weak; off-site 1.00 in four cells and 0.85 in none_strong.
Under strong selection, without the pool, the in-app error came from
the best linked notes: on two worlds with large errors (none_strong 1009 and 1012, in-app +263
and +117), the top fifth of linked notes by the simulator's latent quality carried +97 and +100
of it (outcome models predicting their GMV without a link too low: the few comparison notes of
that quality sit at its lower end, and trees do not extrapolate); the weighted comparison notes
of that fifth took back only 16 in one world and added 80 in the other. The outcome pool shows
the outcome models unenrolled merchants' good notes: with the whole pool those two worlds'
errors fell to +201 and +68. Before the offset, one world (none_strong, seed 1027) had in-app
-3,230 (CI -9,456 to 2,996) from one viral comparison note weighted 16 times; it is -297 (CI
-975 to 380) with it. At 30,000 notes half-widths were about 1.5x wider. Under hidden
confounding the estimates are biased (in-app +135 ¥, coverage 35%), as they must be; the
pre-link placebo flags them as fragile (robustness.placebo_outcome) in 100% of those worlds at
100,000 notes (50-55% at 30,000 notes, where pre-link orders are too few), with 5-10% false
flags where links are chosen on observables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from redcat.cannibalization.controls import ShiftTest, choose_controls, engagement_shift_test
from redcat.cannibalization.frames import NoteFrame, TablesLike, build_note_frame
from redcat.causal.dml import fitted_propensity, naive_difference
from redcat.causal.ratio import att_dml_ratio
from redcat.causal.result import CausalResult

log = logging.getLogger(__name__)

TREATMENT = "linked"
INAPP, OFFSITE = "inapp_gmv", "offsite_gmv"
CLUSTER = "merchant_id"
# A note's GMV is a product: reach × read rate × buying rate × price × the merchant's in-app
# share. A log-link (Poisson) outcome model fits a product as a sum of trees, and so predicts
# the few very large notes (head creators, viral reach) far better than squared-error trees,
# which cannot extrapolate a scale (about 10-15% lower outcome-model error on the simulated
# worlds); the propensity model keeps redcat.causal's defaults.
OUTCOME_LEARNER = {"ml_g": {"objective": "poisson"}, "ml_m": {}}
# The outcome models' exposure offset: the first of these early counts (log(1 + count) over the
# days complete by H) that the link-shift test admits as a control. A note's GMV scales with its
# reads, and trees alone cannot extrapolate a scale: a note far above the others (a viral 618
# note with 1.4M impressions on its first day) is predicted several times too low, and as a
# comparison note with a large weight its one residual can move the estimate by thousands of
# yuan. With log reads as an offset (`redcat.causal.learners.ExposureRegressor`) the trees
# learn GMV per read instead. On three simulated worlds of 100,000 notes this cut the outcome
# models' RMSE by 10-60% and the in-app interval's half-width by 10-70% (benchmarks/
# bench_cannibalization_truth.py measures it across seeds).
EXPOSURE_OFFSETS = ("early_reads", "early_impressions")
# Comparison notes: every could-link note plus a seeded random sample of EXTRA_CONTROLS notes
# of merchants not (yet) enrolled (frames.POPULATIONS). Under strong selection on quality the
# best could-link notes are nearly all linked, the outcome model has almost no unlinked notes
# of that kind to learn from, and it under-predicts the linked notes' GMV without the link
# (trees cannot extrapolate): on the simulated worlds that biased the in-app effect upward by
# about one standard error, with oracle latents as controls too. Notes of merchants not
# enrolled have propensity ~0 but show the outcome model what good notes sell without a link.
DEFAULT_POPULATION = "all"
EXTRA_CONTROLS = 6_000
# The outcome pool (att_dml's outcome_pool; estimate_note_level(outcome_pool=n), 0 for none): a
# seeded random OUTCOME_POOL of the notes of unenrolled merchants left out of that sample train
# the untreated-outcome models too (in every fold, never predicted, clusters held out). It
# targets the strong-selection error (see the module doc): unenrolled merchants' best notes
# show the models what such notes sell without a link. The truth benchmark, paired with no
# pool on seeds 1000-1039: coverage in [0.90, 0.99] in 18 of 24 cells instead of 14; under
# strong selection in-app coverage 0.875-0.90 -> 0.95, median error +41 -> +22 ¥, off-site
# RMSE 192 -> 134; under weak selection in-app errors spread 0.92-0.99 SE instead of
# 0.82-0.86 and off-site RMSE 46 -> 48. At the default scale the note-level step takes 27 s
# instead of 17 s (estimate_all 38 s against 28 s). The whole pool of ~75,000 notes (16 paired
# seeds: none_strong in-app RMSE 125 -> 86 against 96 with 25,000) took 63 s, too slow for
# notebook 03's one-minute bar. A stacked variant (one pool-only model, refined per fold on
# the sample) was as fast as no pool but gained nothing (9 worlds: in-app RMSE 79, off-site
# 90, against 67 and 75).
OUTCOME_POOL = 25_000
# The pool's g0 fits, two folds at a time: notebook 03 runs alone on a 2-core machine, and the
# estimates are the same for any number of threads (each fit is single-threaded).
POOL_THREADS = 2
# att_dml's variance: "sample" targets the contract's estimand (the average over the linked notes
# in hand); on 60 truth-benchmark seeds it put all 18 note-level cells in range, against 16 for
# the population variance (module doc).
VARIANCE = "sample"


@dataclass(frozen=True)
class NoteLevelResult:
    inapp: CausalResult
    offsite: CausalResult
    ratio: CausalResult
    naive: dict[str, dict[str, float]]  # outcome -> naive linked-minus-other difference
    notes: NoteFrame
    shift_test: ShiftTest | None
    controls: tuple[str, ...]
    control_reason: str


def naive_differences(
    data: TablesLike, *, window_days: int, horizon_hours: int, as_of: pd.Timestamp
) -> dict[str, dict[str, float]]:
    """Mean GMV in W of linked notes minus that of all other notes (window closed): no adjustment.

    The comparison a dashboard would make, and what the design is there to correct: linked
    notes come from bigger, white-listed merchants and are their better notes.
    """
    everyone = build_note_frame(
        data,
        window_days=window_days,
        horizon_hours=horizon_hours,
        as_of=as_of,
        population="all",
        late_links="control",
    ).frame
    treated = everyone[TREATMENT].to_numpy()
    return {
        outcome: naive_difference(everyone[outcome].to_numpy("float64"), treated)
        for outcome in (INAPP, OFFSITE)
    }


def estimate_note_level(
    data: TablesLike,
    *,
    window_days: int,
    horizon_hours: int,
    as_of: pd.Timestamp,
    seed: int = 0,
    test_controls: bool = True,
    n_folds: int = 5,
    n_rep: int = 3,
    learner_params: dict | None = OUTCOME_LEARNER,
    population: str = DEFAULT_POPULATION,
    extra_controls: int | None = EXTRA_CONTROLS,
    outcome_pool: int | None = OUTCOME_POOL,
) -> NoteLevelResult:
    """The note-level in-app and off-site ATTs and the cannibalization ratio.

    `outcome_pool=n` lets up to n (a seeded random choice) of the unsampled notes of unenrolled
    merchants train the untreated-outcome models too (see the comment at OUTCOME_POOL); None or
    0: no pool."""
    as_of = pd.Timestamp(as_of)
    notes = build_note_frame(
        data,
        window_days=window_days,
        horizon_hours=horizon_hours,
        as_of=as_of,
        population=population,
        extra_controls=extra_controls,
        seed=seed,
        outcome_pool_size=outcome_pool,
    )
    shift = engagement_shift_test(data, as_of=as_of, seed=seed) if test_controls else None
    controls, reason = choose_controls(notes.pre_link_covariates, shift)
    log.info("note-level controls: %s", reason)
    frame = notes.frame
    offset = exposure_offset(controls)
    ratio = att_dml_ratio(
        frame,
        INAPP,
        OFFSITE,
        TREATMENT,
        list(controls),
        n_folds=n_folds,
        n_rep=n_rep,
        seed=seed,
        learner_params=learner_params,
        cluster=CLUSTER,
        outcome_offset=offset,
        outcome_pool=notes.outcome_pool if len(notes.outcome_pool) else None,
        pool_threads=POOL_THREADS,
        variance=VARIANCE,
    )
    inapp, offsite = ratio.model["numerator"], ratio.model["denominator"]
    ratio = with_fieller_interval(ratio)
    naive = naive_differences(
        data, window_days=window_days, horizon_hours=horizon_hours, as_of=as_of
    )
    return NoteLevelResult(
        inapp=inapp,
        offsite=offsite,
        ratio=ratio,
        naive=naive,
        notes=notes,
        shift_test=shift,
        controls=tuple(controls),
        control_reason=reason,
    )


def exposure_offset(controls: tuple[str, ...] | list[str]) -> str | None:
    """The outcome models' exposure offset among the admitted controls (EXPOSURE_OFFSETS)."""
    return next((c for c in EXPOSURE_OFFSETS if c in controls), None)


def with_fieller_interval(ratio: CausalResult) -> CausalResult:
    """The ratio with Fieller's interval in place of the delta method's.

    A ratio of two noisy effects is far from normal when the denominator (the off-site effect)
    is within a few standard errors of zero: the delta-method interval then covers the truth
    much less often than 95%. Fieller's interval inverts the test of a·θ_den − θ_num = 0 (both
    effects jointly normal, covariance included) and keeps its coverage; when the off-site
    effect cannot be told from zero the set is unbounded, and it is reported as such
    (−inf, +inf; null in results.json) rather than as a falsely narrow interval.
    """
    diagnostics = dict(ratio.diagnostics)
    fieller = diagnostics.get("fieller_ci")
    diagnostics["delta_method_ci"] = [ratio.ci_low, ratio.ci_high]
    if fieller is None:
        low, high = -np.inf, np.inf
        diagnostics["interval"] = (
            "Fieller: unbounded (the off-site effect is not distinguishable from zero)"
        )
    else:
        low, high = float(fieller[0]), float(fieller[1])
        diagnostics["interval"] = "Fieller (95%), from the joint influence functions"
    return CausalResult(
        estimate=ratio.estimate,
        se=ratio.se,
        ci_low=low,
        ci_high=high,
        n=ratio.n,
        method=ratio.method.replace("delta-method interval", "Fieller interval"),
        diagnostics=diagnostics,
        assumptions=ratio.assumptions,
        model=ratio.model,
    )


def propensity_by_group(result: CausalResult, treated: np.ndarray) -> pd.DataFrame:
    """Cross-fitted propensities (mean over repetitions) with each note's group, for overlap
    plots; `treated` is the fit's treatment column, in the fit's row order."""
    ps = np.asarray(fitted_propensity(result)).mean(axis=1)
    return pd.DataFrame({"propensity": ps, "linked": np.asarray(treated).astype(int)})
