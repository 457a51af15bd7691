"""Time `redcat.data.load_dataset` (read + type + validate) on a large synthetic dataset.

Builds a contract-valid dataset with numpy (default 200k notes x 30 days = 6M note_daily rows),
writes it as parquet to a temporary folder, then loads it in a fresh Python process so that
process's peak RSS is the loader's own. Prints rows, file size, seconds and peak RSS.

    python benchmarks/bench_load.py                      # 200k notes
    python benchmarks/bench_load.py --notes 1000000      # the 30M-row note_daily case
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from redcat.config import CREATOR_TIERS, INDUSTRIES, LAUNCH_DATE, NOTE_FORMATS, OFFSITE_CHANNELS

SECOND = np.timedelta64(1, "s")
DAY = np.timedelta64(1, "D")


def ids(prefix: str, n: int) -> pa.Array:
    return pa.array(np.char.add(prefix, np.arange(n).astype("U8")))


def build(folder: Path, n_notes: int, n_days: int, seed: int) -> dict[str, int]:
    """Write a valid dataset of n_notes notes with n_days daily rows each; rows per table."""
    rng = np.random.default_rng(seed)
    launch = np.datetime64(LAUNCH_DATE, "D")
    start = launch - 21 * DAY

    n_merchants, n_creators = max(n_notes // 100, 10), max(n_notes // 10, 10)
    enrolled = rng.random(n_merchants) < 0.4
    enrolled_date = np.where(
        enrolled, launch + rng.integers(0, 10, n_merchants) * DAY, np.datetime64("NaT")
    )
    merchants = {
        "merchant_id": ids("m", n_merchants),
        "industry": pa.array(rng.choice(INDUSTRIES, n_merchants)),
        "has_inapp_store": rng.random(n_merchants) < 0.7,
        "enterprise_account": rng.random(n_merchants) < 0.5,
        "pre_daily_ad_spend": rng.gamma(2.0, 3000.0, n_merchants),
        "funnel_budget": rng.gamma(2.0, 40000.0, n_merchants),
        "enrolled_date": pa.array(enrolled_date.astype("datetime64[D]"), pa.date32()),
    }
    creators = {
        "creator_id": ids("c", n_creators),
        "followers": rng.integers(0, 2_000_000, n_creators),
        "tier": pa.array(rng.choice(CREATOR_TIERS, n_creators)),
    }

    merchant = rng.integers(0, n_merchants, n_notes)
    publish = (
        start.astype("datetime64[s]") + rng.integers(0, 35 * 86_400, n_notes) * SECOND
    ).astype("datetime64[ns]")
    enrolled_at = enrolled_date[merchant].astype("datetime64[ns]")
    may_link = enrolled[merchant] & (rng.random(n_notes) < 0.5)
    link = (
        np.maximum(publish, np.where(may_link, enrolled_at, publish))
        + rng.integers(0, 72 * 3600, n_notes) * SECOND
    )
    link = np.where(may_link, link, np.datetime64("NaT", "ns"))
    notes = {
        "note_id": ids("n", n_notes),
        "merchant_id": merchants["merchant_id"].take(pa.array(merchant)),
        "creator_id": creators["creator_id"].take(pa.array(rng.integers(0, n_creators, n_notes))),
        "publish_time": publish,
        "format": pa.array(rng.choice(NOTE_FORMATS, n_notes)),
        "title": pa.array(np.char.add("标题 ", np.arange(n_notes).astype("U8"))),
        "text_length": rng.integers(0, 2000, n_notes),
        "n_images": rng.integers(0, 10, n_notes),
        "topic": pa.array(rng.choice(["skincare", "sports", "food", "home"], n_notes)),
        "price": rng.gamma(2.0, 80.0, n_notes) + 1.0,
        "paid_collab": rng.random(n_notes) < 0.3,
        "link_time": pa.array(link, pa.timestamp("ns")),
    }

    n_rows = n_notes * n_days
    note = np.repeat(np.arange(n_notes), n_days)
    day = publish.astype("datetime64[D]")[note] + np.tile(np.arange(n_days), n_notes) * DAY
    link_day = link.astype("datetime64[D]")[note]
    note_daily = {
        "note_id": notes["note_id"].take(pa.array(note)),
        "date": pa.array(day, pa.date32()),
        **{
            name: rng.integers(0, 500, n_rows)
            for name in (
                "impressions",
                "reads",
                "likes",
                "collects",
                "comments",
                "shares",
                "search_impressions",
            )
        },
        "ad_spend": rng.random(n_rows) * 100.0,
        "link_clicks": np.where(
            day >= link_day, rng.integers(0, 20, n_rows), 0
        ),  # NaT compares False
        "store_visits": rng.integers(0, 30, n_rows),
    }
    del note, day, link_day

    def orders(n: int, prefix: str) -> dict:
        which = rng.integers(0, n_notes, n)
        placed = publish[which] + rng.integers(0, 14 * 86_400, n) * SECOND
        return {
            "order_id": ids(prefix, n),
            "note_id": notes["note_id"].take(pa.array(which)),
            "order_time": placed,
            "gmv": rng.gamma(2.0, 60.0, n),
        }

    inapp = orders(2 * n_notes, "i")
    offsite = orders(n_notes, "o")
    offsite["reported_time"] = offsite["order_time"] + rng.integers(0, 3 * 86_400, n_notes) * SECOND
    offsite["channel"] = pa.array(rng.choice(OFFSITE_CHANNELS, n_notes))

    days = np.arange(start, launch + 45 * DAY)
    merchant_daily = {
        "merchant_id": merchants["merchant_id"].take(
            pa.array(np.repeat(np.arange(n_merchants), len(days)))
        ),
        "date": pa.array(np.tile(days, n_merchants), pa.date32()),
        "inapp_gmv": rng.gamma(2.0, 5000.0, n_merchants * len(days)),
        "ad_spend": rng.gamma(2.0, 2000.0, n_merchants * len(days)),
    }

    tables = {
        "merchants": merchants,
        "creators": creators,
        "notes": notes,
        "note_daily": note_daily,
        "inapp_orders": inapp,
        "offsite_orders": offsite,
        "merchant_daily": merchant_daily,
    }
    rows = {}
    for name, columns in tables.items():
        table = pa.table(columns)
        pq.write_table(table, folder / f"{name}.parquet")
        rows[name] = table.num_rows
    return rows


def load_in_this_process(folder: Path) -> None:
    """Child process: load the folder and print its timings and peak RSS as JSON."""
    from redcat.data import fingerprint_dataset, load_dataset

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    dataset = load_dataset(folder)
    loaded = time.perf_counter()
    cpu = _cpu_seconds() - cpu_before
    fingerprint_dataset(folder)
    fingerprinted = time.perf_counter()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    memory_mib = sum(f.memory_usage(deep=True).sum() for f in dataset.tables.values()) / 2**20
    print(
        json.dumps(
            {
                "load_validate_seconds": loaded - started,
                "load_validate_cpu_seconds": cpu,
                "of_which_fingerprint_seconds": fingerprinted - loaded,
                "peak_rss_mib": rss_mib,
                "frames_mib": memory_mib,
            }
        )
    )


def _cpu_seconds() -> float:
    # CPU time (user + system) is the fairer figure on a shared machine than wall time.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)  # the child process's mode
    args = parser.parse_args()
    if args.load:
        load_in_this_process(args.load)
        return 0

    with tempfile.TemporaryDirectory(prefix="redcat-bench-load-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        rows = build(folder, args.notes, args.days, args.seed)
        built = time.perf_counter() - started
        size_mib = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        child = subprocess.run(
            [sys.executable, __file__, "--load", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            print(child.stdout, child.stderr, file=sys.stderr)
            return 1
        figures = json.loads(child.stdout.strip().splitlines()[-1])

    print(
        f"dataset: {args.notes:,} notes x {args.days} days; {sum(rows.values()):,} rows, {size_mib:,.0f} MiB parquet"
    )
    print("  " + ", ".join(f"{name} {n:,}" for name, n in rows.items()))
    print(f"built and written in       {built:6.1f} s")
    print(f"load_dataset (read+check)  {figures['load_validate_seconds']:6.1f} s")
    print(f"  CPU time (user+sys)     {figures['load_validate_cpu_seconds']:6.1f} s")
    print(
        f"fingerprint alone          {figures['of_which_fingerprint_seconds']:6.1f} s  (included above)"
    )
    print(f"peak RSS of the loader     {figures['peak_rss_mib']:6,.0f} MiB")
    print(f"typed frames in memory     {figures['frames_mib']:6,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
