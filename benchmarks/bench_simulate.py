"""Benchmark: simulate and write a large Red Cat world; fail if over the time or memory bar.

    .venv/bin/python benchmarks/bench_simulate.py [--notes 1000000] [--seed 0]

Prints stage timings, rows per table, total seconds and peak RSS; exits 1 if the total is over
--max-seconds (60) or the peak RSS over --max-gb (6).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from redcat.simulate import WorldConfig, simulate_world, write_world


def peak_rss_gb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fmt", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--max-gb", type=float, default=6.0)
    parser.add_argument(
        "--out", type=Path, default=None, help="folder to write (default: a temp folder)"
    )
    args = parser.parse_args(argv)

    config = WorldConfig(notes=args.notes, seed=args.seed)
    start = time.perf_counter()
    world = simulate_world(config)
    simulated = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_world(
            world, args.out or Path(tmp) / "world", fmt=args.fmt, overwrite=args.out is not None
        )
        written = time.perf_counter()
    total = written - start
    peak = peak_rss_gb()

    print(f"simulate_world + write_world: {args.notes:,} notes, seed {args.seed}, {args.fmt}")
    print(f"{'stage':<24}{'seconds':>10}")
    for stage, seconds in world.timings.items():
        print(f"{stage:<24}{seconds:>10.2f}")
    print(f"{'write':<24}{written - simulated:>10.2f}")
    print(f"\n{'table':<24}{'rows':>14}")
    for name, frame in world.tables.items():
        print(f"{name:<24}{len(frame):>14,}")
    print(f"\n{'total seconds':<24}{total:>10.2f}   (bar {args.max_seconds:g})")
    print(f"{'peak RSS GB':<24}{peak:>10.2f}   (bar {args.max_gb:g})")
    ok = total <= args.max_seconds and peak <= args.max_gb
    print("OK" if ok else "OVER THE BAR")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
