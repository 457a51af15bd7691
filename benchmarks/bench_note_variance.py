"""The note level's interval variances compared on the same fits, over many simulated worlds.

The truth benchmark (bench_cannibalization_truth.py) scores the variance the note level uses;
comparing variances there costs a full run each (about two hours for 40 seeds x 6 scenarios
on 2 cores). Here each world's note level is fitted once and what a variance needs is saved
(`--save DIR`): per outcome y, treatment, clusters, design matrix, the cross-fitted g0, g1 and
propensities, the population influence and the per-repetition estimates, with the simulator's
true effect over the linked notes. `--score DIR` then scores the population variance, the
shipped sample-ATT one ("sample"), the sample-ATT one without its surprising-unit rule
("no_surprise": linked notes keep their own residual only beyond the support) and without
either own-residual rule ("noise_model_only": every linked note on the comparison-learned
noise model) from those arrays with the shipped code (`variance_of_mean`,
`sample_att_pieces`, `ratio_of_effects`, Fieller's interval; both outcomes on one partition
of the linked notes, as att_dml_ratio does), in minutes: 95% coverage per scenario and key, the spread of errors in SEs, the cells with
coverage in [0.90, 0.99], and the bias bar (|mean error| under a quarter of the median
half-width) with the mean error's Monte Carlo SE, the median error and, for the ratio, the mean
error over the worlds whose interval is bounded (`--bias-variance` picks the half-widths).

    python benchmarks/bench_note_variance.py --save benchmarks/results/note_fits \
        --seeds 1000-1039 --workers 2
    python benchmarks/bench_note_variance.py --score benchmarks/results/note_fits

With 40 worlds a cell's coverage is a count out of 40: exact 95% intervals land in
[0.90, 0.99] with probability 0.82 per cell (binomial), so about 15 of 18 cells; with 60,
0.92 per cell. The script prints that expectation beside the counts. Seeds 1000-1059 (360
worlds, 2.6 GB of arrays; about 2.5 minutes per seed on 2 cores to save, 20 minutes to score):
the shipped variance put 18 of 18 cells in range (note_level's module doc has the figures).
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from bench_cannibalization_truth import SCENARIOS, bias_figures
from scipy.stats import binom

from redcat.cannibalization.note_level import with_fieller_interval
from redcat.causal._sample_variance import (
    OWN_RESIDUAL_PROPENSITY,
    sample_att_influence,
    sample_att_pieces,
    sample_att_se,
)
from redcat.causal.ratio import ratio_of_effects
from redcat.causal.result import CausalResult, Influence, aggregate_repetitions, variance_of_mean

OBSERVABLE = [name for name in SCENARIOS if name != "hidden_confounding"]
OUTCOMES = {"inapp": "inapp_gmv_w", "offsite": "offsite_gmv_w"}
Z = 1.959963984540054
# Scored variances: the propensity beyond which a linked note keeps its own residual, and
# whether a surprising one does too (the shipped "sample"; `surprising_units`).
VARIANCES = {
    "population": None,
    "sample": (OWN_RESIDUAL_PROPENSITY, True),
    "no_surprise": (OWN_RESIDUAL_PROPENSITY, False),
    "noise_model_only": (1.0, False),
}


def fit_world(scenario: str, seed: int, notes: int, folder: str) -> str:
    """Fit one world's note level (population variance) and save its arrays (a world already
    saved is skipped, so an interrupted run picks up where it stopped)."""
    if all((Path(folder) / f"{scenario}_{seed}_{name}.npz").exists() for name in OUTCOMES):
        return f"{scenario} {seed} (already saved)"
    logging.disable(logging.WARNING)
    import redcat.cannibalization.note_level as note_level
    from redcat.data import load_dataset
    from redcat.notebook import resolve_as_of
    from redcat.simulate import WorldConfig, simulate_world, write_world

    note_level.VARIANCE = "population"  # the influence saved is the population one
    world = simulate_world(WorldConfig(notes=notes, seed=seed, **SCENARIOS[scenario]))
    with tempfile.TemporaryDirectory(prefix="redcat-variance-") as tmp:
        write_world(world, Path(tmp))
        data = load_dataset(tmp)
        as_of = resolve_as_of("", data)  # the end of the data's last day
        result = note_level.estimate_note_level(
            data, window_days=14, horizon_hours=72, as_of=as_of, seed=seed
        )
    truth = world.note_truth.set_index("note_id")
    linked = result.notes.frame.index[result.notes.frame["linked"].to_numpy() == 1]
    for name, fit in (("inapp", result.inapp), ("offsite", result.offsite)):
        column = OUTCOMES[name]
        effect = truth.loc[linked, f"{column}_link"] - truth.loc[linked, f"{column}_nolink"]
        model, data_ = fit.model, fit.model._dml_data
        np.savez_compressed(
            Path(folder) / f"{scenario}_{seed}_{name}.npz",
            y=np.asarray(data_.y, dtype=float),
            d=np.asarray(data_.d).astype(int),
            x=np.asarray(data_.x, dtype=float),
            clusters=fit.influence.clusters,
            g0=model.predictions["ml_g0"][:, :, 0],
            g1=model.predictions["ml_g1"][:, :, 0],
            m=model.predictions["ml_m"][:, :, 0],
            influence=fit.influence.values,
            thetas=fit.influence.thetas,
            trim=fit.diagnostics["trim"],
            truth=float(effect.mean()),
        )
    return f"{scenario} {seed}"


def _result(thetas: np.ndarray, se: float, influence: Influence) -> CausalResult:
    estimate = float(np.median(thetas))
    return CausalResult(
        estimate, se, estimate - Z * se, estimate + Z * se, 0, "", {}, (), None, influence
    )


def _sample_pieces(a: dict, seed: int, variance: str, surprising=None):
    beyond, surprise = VARIANCES[variance]
    args = (a["y"], a["d"], a["g0"], a["g1"], a["m"], a["influence"], float(a["trim"]), a["x"])
    if surprise:
        return sample_att_pieces(*args, a["clusters"], seed, beyond, surprising=surprising)
    return sample_att_influence(*args, a["clusters"], seed, beyond_propensity=beyond)


def score_world(files: dict[str, Path], seed: int) -> dict[str, dict[str, float]]:
    """Per variance: the two effects' errors and SEs, and whether Fieller's ratio interval
    covers the true ratio."""
    arrays = {name: dict(np.load(path)) for name, path in files.items()}
    out: dict[str, dict[str, float]] = {}
    for variance in VARIANCES:
        results, row = {}, {}
        if variance != "population":
            pieces = {name: _sample_pieces(a, seed, variance) for name, a in arrays.items()}
            # As att_dml_ratio does: both outcomes on one partition of the linked notes.
            either = pieces["inapp"].surprising | pieces["offsite"].surprising
            pieces = {
                name: p
                if np.array_equal(p.surprising, either)
                else _sample_pieces(arrays[name], seed, variance, either)
                for name, p in pieces.items()
            }
        for name, a in arrays.items():
            clusters, thetas = a["clusters"], a["thetas"]
            index = pd.RangeIndex(len(a["y"]))
            if variance == "population":
                ses = [
                    math.sqrt(variance_of_mean(a["influence"][:, r], clusters))
                    for r in range(len(thetas))
                ]
                estimate, se = aggregate_repetitions(thetas, np.asarray(ses))
                influence = Influence(a["influence"], thetas, index, clusters)
            else:
                p = pieces[name]
                estimate, se = sample_att_se(thetas, p, clusters)
                influence = Influence(
                    p.values,
                    thetas,
                    index,
                    clusters,
                    extra=p.pseudo,
                    own=p.own,
                    beyond_support=p.beyond_support,
                )
            results[name] = _result(thetas, se, influence)
            row[f"{name}_error"] = estimate - float(a["truth"])
            row[f"{name}_se"] = se
            row[f"{name}_half_width"] = Z * se
        ratio = with_fieller_interval(ratio_of_effects(results["inapp"], results["offsite"]))
        truth = -float(arrays["inapp"]["truth"]) / float(arrays["offsite"]["truth"])
        row["ratio_error"] = ratio.estimate - truth
        row["ratio_covered"] = float(ratio.ci_low <= truth <= ratio.ci_high)
        row["ratio_half_width"] = (ratio.ci_high - ratio.ci_low) / 2  # inf when unbounded
        row["surprising"] = (
            0.0 if variance == "population" else float(pieces["inapp"].surprising.sum())
        )
        out[variance] = row
    return out


def score(folder: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(folder.glob("*_inapp.npz")):
        scenario, seed = path.name[: -len("_inapp.npz")].rsplit("_", 1)
        files = {"inapp": path, "offsite": path.with_name(path.name.replace("_inapp", "_offsite"))}
        for variance, row in score_world(files, int(seed)).items():
            rows.append({"scenario": scenario, "seed": int(seed), "variance": variance, **row})
    return pd.DataFrame(rows)


def summarize(runs: pd.DataFrame) -> pd.DataFrame:
    table = []
    for (variance, scenario), g in runs.groupby(["variance", "scenario"]):
        row = {"variance": variance, "scenario": scenario, "worlds": len(g)}
        for name in OUTCOMES:
            z = g[f"{name}_error"] / g[f"{name}_se"]
            row[f"{name}_coverage"] = float((z.abs() <= Z).mean())
            row[f"{name}_z_sd"] = float(z.std())
        row["ratio_coverage"] = float(g["ratio_covered"].mean())
        row["surprising_share"] = float((g["surprising"] > 0).mean())  # worlds with any
        table.append(row)
    return pd.DataFrame(table)


def bias_table(runs: pd.DataFrame, variance: str) -> pd.DataFrame:
    """The bias bar per scenario and key under one variance (the errors are the same under
    every variance; the half-widths they are judged against are not)."""
    table = []
    for scenario, g in runs[runs["variance"] == variance].groupby("scenario"):
        for key in (*OUTCOMES, "ratio"):
            figures = bias_figures(g[f"{key}_error"], g[f"{key}_half_width"])
            table.append({"scenario": scenario, "key": key, **figures})
    return pd.DataFrame(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", type=Path, help="fit worlds and save their arrays here")
    parser.add_argument("--score", type=Path, help="score the variances on saved arrays")
    parser.add_argument("--seeds", default="1000-1039", help="first-last (inclusive)")
    parser.add_argument("--scenarios", default=",".join(OBSERVABLE))
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--bias-variance", default="sample", help="the variance whose half-widths judge bias"
    )
    args = parser.parse_args()
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        first, last = (int(s) for s in args.seeds.split("-"))
        jobs = [(sc, seed) for seed in range(first, last + 1) for sc in args.scenarios.split(",")]
        with ProcessPoolExecutor(args.workers) as pool:
            futures = [
                pool.submit(fit_world, sc, seed, args.notes, str(args.save)) for sc, seed in jobs
            ]
            for future in futures:
                print("saved", future.result(), flush=True)
    if args.score:
        runs = score(args.score)
        table = summarize(runs)
        pd.set_option("display.width", 200)
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        cells = [c for c in table.columns if c.endswith("_coverage")]
        for variance, g in table.groupby("variance"):
            values = g[cells].to_numpy().ravel()
            in_range = int(((values >= 0.90) & (values <= 0.99)).sum())
            print(f"{variance}: {in_range} of {len(values)} cells in [0.90, 0.99]")
        worlds = int(table["worlds"].median())
        low, high = math.ceil(0.90 * worlds), math.floor(0.99 * worlds)
        chance = binom.cdf(high, worlds, 0.95) - binom.cdf(low - 1, worlds, 0.95)
        print(
            f"exact 95% intervals over {worlds} worlds: in range with probability "
            f"{chance:.2f} per cell"
        )
        bias = bias_table(runs, args.bias_variance)
        print(f"\nbias against a quarter of the median half-width ({args.bias_variance} variance):")
        print(bias.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
        print(
            f"{int(bias['bias_under_quarter_hw'].sum())} of {len(bias)} cells with |bias| under "
            "a quarter of the half-width"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
