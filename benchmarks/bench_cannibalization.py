"""Time notebook 03's estimation (`estimate_all`) at the default scale, step by step.

Simulates the default world (100,000 notes), loads it through the contract, then times the
whole cannibalization estimation as the notebook runs it (note-level DML with the link-shift
test, merchant-level DiD, threshold RDD, subgroups, placebos and sensitivity). Bar (issue 4):
under a minute on 2 cores. Saves benchmarks/results/cannibalization.json.

    python benchmarks/bench_cannibalization.py [--notes 100000] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

OUT = Path(__file__).resolve().parent / "results" / "cannibalization.json"
BAR_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    from redcat.cannibalization.summary import estimate_all
    from redcat.data import load_dataset
    from redcat.simulate import WorldConfig, simulate_world, write_world

    with tempfile.TemporaryDirectory(prefix="redcat-bench-") as tmp:
        write_world(simulate_world(WorldConfig(notes=args.notes, seed=args.seed)), Path(tmp))
        loaded = time.perf_counter()
        data = load_dataset(tmp)
        load_seconds = time.perf_counter() - loaded
        end = pd.Timestamp(data.data_end)
        params = SimpleNamespace(
            window_days=14,
            horizon_hours=72,
            seed=args.seed,
            as_of=end.normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1),
        )
        started = time.perf_counter()
        out = estimate_all(data, params)
        seconds = time.perf_counter() - started
    figures = {
        "notes": args.notes,
        "cores": os.cpu_count(),
        "load_seconds": round(load_seconds, 2),
        "estimate_seconds": round(seconds, 2),
        "steps_seconds": out["timings"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "bar_seconds": BAR_SECONDS,
    }
    print(f"{'step':<24}{'seconds':>10}")
    for step, value in out["timings"].items():
        print(f"{step:<24}{value:>10.2f}")
    print(
        f"{'estimate_all':<24}{seconds:>10.2f}   (bar: {BAR_SECONDS:.0f} s; load {load_seconds:.1f} s)"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if seconds < BAR_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
