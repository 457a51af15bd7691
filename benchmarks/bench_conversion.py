"""The off-site conversion model against the bars of issue 3, on simulated worlds.

Two sets of bars, chosen by the world's size:

- the default world (100,000 notes) and other seeds: test AUC within 0.02 of the oracle AUC;
  calibration error ECE <= 0.01 (read against the true probabilities, see below); LightGBM
  beats both baselines (prior rate, logistic regression) on AUC and on log loss; the same
  data, parameters and seed give identical predictions;
- a 1M-note world (--notes 1000000): test AUC within 0.01 of the oracle; training (both
  boosters and the calibration) under 3 minutes on 2 cores.

Beside each ECE it prints what sampling noise alone gives on the same test notes: a 90%
bootstrap interval, the ECE that perfectly calibrated probabilities would score on that many
notes (noise floor), the oracle's (true probabilities') ECE, and the model's ECE measured
against the true probabilities instead of the outcomes (its miscalibration without the outcome
noise). With ~15,000 test notes (the default world) the noise floor is 0.007 and the true
probabilities themselves score 0.006-0.013 against the outcomes (0.011-0.017 on ~4,500 test
notes at 30,000), so the outcome-based ECE cannot tell a model that meets the bar from one
that misses it; the bar is read on the noise-free figure (ece_vs_truth), and the outcome-based
one is printed beside its noise floor. AUC differences to the logistic baseline come with a
paired bootstrap interval for the same reason.

Worlds are cached under --cache (default /tmp/redcat-bench-conversion), as
world-<notes>-s<seed>[-nl<k>]-<code>, where <code> fingerprints the simulator's source, and
simulated only when missing: a changed simulator never reuses an older world. Figures go to benchmarks/results/conversion-<notes>.json. Exit status 1 when a bar is
missed.

    python benchmarks/bench_conversion.py --notes 100000 --seeds 0,1  # the default-world bars
    python benchmarks/bench_conversion.py                             # 1M notes, seed 0
    python benchmarks/bench_conversion.py --data FOLDER               # one written world
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BIG_WORLD = 1_000_000
# A cached world is reused only while these modules' source is unchanged.
SIMULATOR_MODULES = ("redcat.simulate", "redcat.config")
BARS = {
    "default": {"oracle_auc_gap": 0.02, "ece": 0.01},
    "big": {"oracle_auc_gap": 0.01, "train_seconds": 180.0},
}


def world_folder(
    cache: Path, notes: int, seed: int, nonlinear_buying: float = 1.0
) -> tuple[Path, float | None]:
    """The cached world for (notes, seed, nonlinear_buying), simulated and written if missing."""
    from redcat.engine.memo import code_digest
    from redcat.simulate import WorldConfig, simulate_world, write_world

    suffix = "" if nonlinear_buying == 1.0 else f"-nl{nonlinear_buying:g}"
    code = code_digest(SIMULATOR_MODULES)[:10]
    folder = cache / f"world-{notes}-s{seed}{suffix}-{code}"
    if (folder / "notes.parquet").is_file():
        return folder, None
    started = time.perf_counter()
    config = WorldConfig(notes=notes, seed=seed, nonlinear_buying=nonlinear_buying)
    write_world(simulate_world(config), folder, overwrite=True)
    return folder, round(time.perf_counter() - started, 1)


def measure(folder: Path, seed: int, threads: int, repeat: bool) -> dict[str, object]:
    """Run the conversion study on one world and collect every figure the bars need."""
    import pandas as pd

    from redcat.data import load_dataset
    from redcat.modeling.evaluate import paired_auc_difference
    from redcat.modeling.oracle import load_note_truth
    from redcat.modeling.study import LOGISTIC, MODEL, ORACLE, PRIOR, run_conversion_study
    from redcat.notebook import resolve_as_of

    started = time.perf_counter()
    data = load_dataset(folder)
    figures: dict[str, object] = {"world": str(folder), "seed": seed, "threads": threads}
    figures["load_seconds"] = round(time.perf_counter() - started, 1)
    params = {"window_days": 14, "horizon_hours": 72, "seed": seed}
    as_of = resolve_as_of("", data)
    truth = load_note_truth(folder, params["window_days"])
    started = time.perf_counter()
    study = run_conversion_study(data, as_of=as_of, note_truth=truth, num_threads=threads, **params)
    figures["study_seconds"] = round(time.perf_counter() - started, 1)
    test = study.test
    y = test["has_offsite"].to_numpy()
    diff, low, high = paired_auc_difference(
        y, test[MODEL].to_numpy(), test[LOGISTIC].to_numpy(), seed=seed
    )
    figures.update(
        notes=len(data.notes),
        mature_notes=study.counts["mature"],
        train_notes=study.counts["train_notes"],
        test_notes=study.counts["test_notes"],
        test_period=list(study.counts["test_period"]),
        features_seconds=study.timings["features"],
        train_seconds=study.timings["train_boosters"],
        classifier_rounds=study.model.info["classifier_rounds"],
        gmv_rounds=study.model.info["gmv_rounds"],
        calibration=study.model.calibrator.method,
        calibration_reason=study.model.info["calibration"]["evidence"].get("reason"),
        metrics={
            scorer: {
                name: round(study.metric(scorer, name), 4)
                for name in ("auc", "pr_auc", "logloss", "brier", "ece")
            }
            for scorer in (MODEL, LOGISTIC, PRIOR, ORACLE)
            if scorer != ORACLE or study.has_oracle
        },
        ece_check=study.ece_check,
        auc_minus_logistic=[round(v, 4) for v in (diff, low, high)],
    )
    if study.has_oracle:
        figures["oracle_auc_gap"] = round(
            study.metric(ORACLE, "auc") - study.metric(MODEL, "auc"), 4
        )
    if repeat:
        again = run_conversion_study(data, as_of=as_of, num_threads=threads, **params)
        try:
            pd.testing.assert_frame_equal(
                study.predictions(), again.predictions(), check_exact=True
            )
            figures["identical_on_rerun"] = True
        except AssertionError:
            figures["identical_on_rerun"] = False
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def verdicts(f: dict, big: bool) -> dict[str, bool]:
    m = f["metrics"]
    bars = BARS["big" if big else "default"]
    gap = f.get("oracle_auc_gap")
    out = {"oracle_auc_gap": gap is not None and gap <= bars["oracle_auc_gap"]}
    if big:
        out["train_seconds"] = f["train_seconds"] < bars["train_seconds"]
        return out
    # The ECE bar is about the model's miscalibration, so on simulated data it is read against
    # the true probabilities: the outcome-based ECE of ~4,500 test notes carries a noise floor
    # (~0.013) above the bar, which even the true probabilities fail (see calibration_check).
    check = f["ece_check"]
    out["ece"] = check.get("ece_vs_truth", m["lightgbm"]["ece"]) <= bars["ece"]
    for base in ("prior_rate", "logistic"):
        out[f"beats_{base}_auc"] = m["lightgbm"]["auc"] > m[base]["auc"]
        out[f"beats_{base}_logloss"] = m["lightgbm"]["logloss"] < m[base]["logloss"]
    # Beyond the point estimates: the AUC lead over the logistic baseline is not sampling noise.
    out["beats_logistic_auc_paired_interval"] = f["auc_minus_logistic"][1] > 0
    if "identical_on_rerun" in f:
        out["identical_on_rerun"] = bool(f["identical_on_rerun"])
    return out


def show(f: dict, verdict: dict[str, bool]) -> None:
    print(
        f"\n== {f['world']} (seed {f['seed']}): notes {f['notes']:,}, mature {f['mature_notes']:,}, "
        f"train {f['train_notes']:,}, test {f['test_notes']:,} ({f['test_period'][0][:10]} to "
        f"{f['test_period'][1][:10]})"
    )
    print(f"{'scorer':<12}{'AUC':>8}{'PR-AUC':>8}{'logloss':>9}{'Brier':>8}{'ECE':>8}")
    for scorer, m in f["metrics"].items():
        print(
            f"{scorer:<12}{m['auc']:>8.4f}{m['pr_auc']:>8.4f}{m['logloss']:>9.4f}"
            f"{m['brier']:>8.4f}{m['ece']:>8.4f}"
        )
    e = f["ece_check"]
    line = (
        f"ECE {e['ece']:.4f} (90% bootstrap {e['ece_low']:.4f}-{e['ece_high']:.4f}); "
        f"noise floor of perfectly calibrated probabilities {e['ece_noise_floor']:.4f}"
    )
    if "oracle_ece" in e:
        line += (
            f"; oracle ECE {e['oracle_ece']:.4f} ({e['oracle_ece_low']:.4f}-"
            f"{e['oracle_ece_high']:.4f}); model ECE against the true probabilities "
            f"{e['ece_vs_truth']:.4f}"
        )
    print(line)
    d = f["auc_minus_logistic"]
    print(f"AUC LightGBM - logistic {d[0]:+.4f} (90% paired bootstrap {d[1]:+.4f} to {d[2]:+.4f})")
    if f.get("oracle_auc_gap") is not None:
        print(f"oracle AUC gap {f['oracle_auc_gap']:.4f}")
    print(
        f"calibration: {f['calibration_reason']}; training {f['train_seconds']:.1f} s on "
        f"{f['threads']} threads (classifier {f['classifier_rounds']} rounds, GMV "
        f"{f['gmv_rounds']}); features {f['features_seconds']:.1f} s; whole study "
        f"{f['study_seconds']:.1f} s; peak RSS {f['peak_rss_mb']:,} MB"
    )
    if "identical_on_rerun" in f:
        print(f"identical predictions on a re-run: {f['identical_on_rerun']}")
    print("bars: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in verdict.items()))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=BIG_WORLD)
    parser.add_argument("--seeds", default="0", help="comma-separated world (and model) seeds")
    parser.add_argument("--threads", type=int, default=2, help="LightGBM threads (the bar: 2)")
    parser.add_argument("--cache", default="/tmp/redcat-bench-conversion", help="world cache")
    parser.add_argument("--data", help="one existing simulated world folder (its seed: --seeds)")
    parser.add_argument(
        "--nonlinear-buying",
        type=float,
        default=1.0,
        help="simulated worlds' nonlinear_buying (0 = the earlier log-linear world)",
    )
    parser.add_argument(
        "--no-repeat", action="store_true", help="skip the identical-predictions re-run"
    )
    args = parser.parse_args()

    import redcat.modeling  # noqa: F401  (sets OpenMP's passive wait before LightGBM loads)

    seeds = [int(s) for s in args.seeds.split(",")]
    runs = []
    for seed in seeds:
        if args.data:
            folder, simulated = Path(args.data), None
        else:
            folder, simulated = world_folder(
                Path(args.cache), args.notes, seed, args.nonlinear_buying
            )
        figures = measure(
            folder, seed, args.threads, repeat=not args.no_repeat and args.notes < BIG_WORLD
        )
        if simulated is not None:
            figures["simulate_seconds"] = simulated
        big = int(figures["notes"]) >= BIG_WORLD
        figures["bars"] = verdicts(figures, big)
        show(figures, figures["bars"])
        runs.append(figures)
        if args.data:
            break
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"conversion-{runs[0]['notes']}.json"
    out.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    print(f"\nsaved {out}")
    return 0 if all(all(r["bars"].values()) for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
