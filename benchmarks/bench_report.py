"""Time `make report`'s two stages at the default scale: simulate the world, run the notebooks.

Prints a table and saves it to benchmarks/results/report.json. Bar (issue 2): the report at the
default scale in under 2 minutes on 2 cores, after install.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from redcat.params import RunParams
from redcat.runner import run
from redcat.simulate import WorldConfig, simulate_world, write_world

OUT = Path(__file__).resolve().parent / "results" / "report.json"
BAR_SECONDS = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=WorldConfig().notes)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redcat-bench-") as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        started = time.perf_counter()
        write_world(simulate_world(WorldConfig(notes=args.notes, seed=args.seed)), data)
        simulated = time.perf_counter()
        outcome = run(RunParams(data_dir=str(data)), reports_dir=reports)
        finished = time.perf_counter()
        if outcome.exit_code != 0:
            print(f"run failed: {outcome.message}", file=sys.stderr)
            return 1
        timings = json.loads((outcome.run_dir / "manifest.json").read_text())["timings_seconds"]
    figures = {
        "notes": args.notes,
        "simulate_seconds": round(simulated - started, 2),
        "run_seconds": round(finished - simulated, 2),
        "total_seconds": round(finished - started, 2),
        "notebook_seconds": timings,
        "peak_rss_mb_this_process": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ),
    }
    print(f"{'stage':<28}{'seconds':>10}")
    print(f"{'simulate + write':<28}{figures['simulate_seconds']:>10.2f}")
    for name, seconds in timings.items():
        print(f"{'  notebook ' + name:<28}{seconds:>10.2f}")
    print(f"{'run (validate + notebooks)':<28}{figures['run_seconds']:>10.2f}")
    print(f"{'total':<28}{figures['total_seconds']:>10.2f}   (bar: {BAR_SECONDS:.0f} s)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["total_seconds"] < BAR_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
