"""Time and peak memory of every pipeline stage at several sizes, and how each grows.

For each size (notes in the simulated world) each stage runs in a fresh Python process, so
its peak memory is its own: the peak resident set size reported by `os.wait4` for that child
(on Linux the maximum over the child and every process it waited for, e.g. notebook kernels).
A stage's *seconds* are the stage's own work, timed inside the child after it has loaded the
data it needs; *process seconds* add interpreter start and that loading.

Stages: simulate (and write the world), load (read + type + validate), features (cold, and a
warm call served by the feature cache), conversion (train and evaluate the model: the whole
study), dml (note-level DML), did (merchant staggered DiD), rdd (threshold RDD), report (`redcat
run`: validation plus every notebook rendered to HTML, i.e. end to end), and at the default
scale `warm_rerun` (each notebook run twice in one live kernel, as in JupyterLab; the second
run's seconds).

Worlds are cached in $BENCH_DATA (default /tmp/redcat-bench), keyed by size, seed and the
simulator's source, so re-runs do not simulate again until the simulator changes; the simulate figures of a cached world are those measured when it was written. Sizes whose
memory, extrapolated from the previous size, would not fit in the machine's available memory
are skipped. Results: benchmarks/results/stages.json and stages.html (a self-contained page).

    python benchmarks/bench_stages.py                          # quick: 30k and 100k notes
    python benchmarks/bench_stages.py --notes 100000,1000000,3000000
    BENCH_NOTES=100000,1000000 make bench                      # the same through make
    python benchmarks/bench_stages.py --stages load,features   # some stages only
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
OUT_JSON = RESULTS / "stages.json"
OUT_HTML = RESULTS / "stages.html"
DEFAULT_NOTES = (30_000, 100_000)
DEFAULT_SCALE = 100_000  # the default world (`make report`)
STAGES = ("simulate", "load", "features", "conversion", "dml", "did", "rdd", "report")
HEAVY_NOTES = 500_000  # at or above: take the machine's heavy-job lock
LOCK = "/tmp/redcat-heavy.lock"
PARAMS = {"window_days": 14, "horizon_hours": 72, "seed": 0}
BARS = {
    "report_seconds_1m": 600.0,
    "report_peak_gb_1m": 8.0,
    "warm_rerun_seconds": 15.0,
}


def bench_data() -> Path:
    return Path(os.environ.get("BENCH_DATA", "/tmp/redcat-bench"))


def world_folder(notes: int, seed: int = 0) -> Path:
    """The cached world, keyed by the simulator's source so a changed simulator never reuses it."""
    from redcat.engine.memo import code_digest

    code = code_digest(("redcat.simulate", "redcat.config"))[:10]
    return bench_data() / f"world-{notes}-s{seed}-{code}"


# --- the parent: run each stage in a child, measure it --------------------------------------


def run_child(argv: list[str], heavy: bool, env: dict[str, str] | None = None) -> dict:
    """Run a child process; its wall seconds, peak RSS (MB) and exit status."""
    if heavy:
        argv = ["flock", LOCK, *argv]
    started = time.perf_counter()
    child = subprocess.Popen(argv, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "process_seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "exit": child.returncode,
    }


def ensure_world(notes: int) -> dict:
    """Simulate the world unless cached; the simulate figures (measured when it was written)."""
    folder = world_folder(notes)
    meta = folder / "bench_simulate.json"
    if meta.is_file() and (folder / "notes.parquet").is_file():
        return {**json.loads(meta.read_text()), "cached": True}
    folder.parent.mkdir(parents=True, exist_ok=True)
    redcat = str(Path(sys.executable).with_name("redcat"))
    argv = [redcat, "simulate", str(folder), "--notes", str(notes), "--seed", "0", "--overwrite"]
    figures = run_child(argv, heavy=notes >= HEAVY_NOTES)
    if figures["exit"] != 0:
        raise SystemExit(f"simulating {notes:,} notes failed")
    figures["seconds"] = figures["process_seconds"]
    meta.write_text(json.dumps(figures, indent=2) + "\n")
    return {**figures, "cached": False}


def run_stage(stage: str, notes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="redcat-bench-stage-") as tmp:
        out = Path(tmp) / "figures.json"
        argv = [sys.executable, __file__, "--child", stage, "--data", str(world_folder(notes))]
        argv += ["--out", str(out)]
        # A fresh, empty feature cache: every stage computes what it measures.
        env = {"REDCAT_CACHE_DIR": str(Path(tmp) / "cache"), "OMP_NUM_THREADS": "2"}
        figures = run_child(argv, heavy=notes >= HEAVY_NOTES, env=env)
        if out.is_file():
            figures.update(json.loads(out.read_text()))
    return figures


def available_mb() -> float:
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("inf")


def fits(notes: int, done: dict[int, dict]) -> bool:
    """Whether the largest stage's memory, scaled linearly from the largest size measured so
    far, fits in the memory available now (with 20% spare)."""
    if not done:
        return True
    last = max(done)
    peak = max(s.get("peak_rss_mb", 0) for s in done[last]["stages"].values())
    return peak * notes / last * 1.2 < available_mb()


def growth(results: dict[int, dict], stage: str, key: str) -> float | None:
    """Ratio of `key` per 10x notes between the two largest sizes measured for `stage`."""
    points = sorted(
        (n, r["stages"][stage][key])
        for n, r in results.items()
        if stage in r["stages"] and r["stages"][stage].get(key)
    )
    if len(points) < 2:
        return None
    (n1, v1), (n2, v2) = points[-2], points[-1]
    return round((v2 / v1) ** (1 / math.log10(n2 / n1)), 2)


def print_table(results: dict[int, dict]) -> None:
    sizes = sorted(results)
    stages = [
        s
        for s in (*STAGES, "features_warm", "warm_rerun")
        if any(s in results[n]["stages"] for n in sizes)
    ]
    head = f"{'stage':<16}" + "".join(f"{f'{n:,} notes':>22}" for n in sizes)
    print(head + f"{'x per 10x (s / MB)':>22}")
    print(f"{'':<16}" + "".join(f"{'seconds   peak MB':>22}" for _ in sizes))
    for stage in stages:
        line = f"{stage:<16}"
        for n in sizes:
            s = results[n]["stages"].get(stage)
            if not s:
                line += f"{'-':>22}"
            elif s.get("seconds") is None:
                line += f"{'failed':>12}{s['peak_rss_mb']:>10,}"
            else:
                line += f"{s['seconds']:>12.1f}{s['peak_rss_mb']:>10,}"
        t, m = growth(results, stage, "seconds"), growth(results, stage, "peak_rss_mb")
        line += f"{(f'{t} / {m}' if t else '-'):>22}"
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    default_notes = os.environ.get("BENCH_NOTES") or ",".join(map(str, DEFAULT_NOTES))
    parser.add_argument("--notes", default=default_notes, help="comma-separated world sizes")
    parser.add_argument(
        "--stages", default=",".join((*STAGES, "warm_rerun")), help="comma-separated stages"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args.child, Path(args.data), Path(args.out))

    sizes = sorted(int(n) for n in args.notes.split(","))
    stages = [s.strip() for s in args.stages.split(",")]
    unknown = sorted(set(stages) - set(STAGES) - {"warm_rerun"})
    if unknown:
        parser.error(f"unknown stages {unknown}; known: {', '.join(STAGES)}, warm_rerun")
    results: dict[int, dict] = {}
    for notes in sizes:
        if not fits(notes, results):
            print(f"skipping {notes:,} notes: not enough memory available", file=sys.stderr)
            continue
        print(f"== {notes:,} notes", file=sys.stderr, flush=True)
        record: dict = {"notes": notes, "stages": {}}
        simulated = ensure_world(notes)
        if "simulate" in stages:
            record["stages"]["simulate"] = simulated
        for stage in stages:
            if stage == "simulate" or (stage == "warm_rerun" and notes != DEFAULT_SCALE):
                continue
            figures = run_stage(stage, notes)
            if figures.get("exit"):
                print(f"stage {stage} failed at {notes:,} notes", file=sys.stderr)
            record["stages"][stage] = figures
            if "warm_seconds" in figures:
                record["stages"]["features_warm"] = {
                    "seconds": figures["warm_seconds"],
                    "peak_rss_mb": figures["peak_rss_mb"],
                }
            print(
                f"   {stage}: {figures.get('seconds')} s, {figures['peak_rss_mb']:,} MB",
                file=sys.stderr,
                flush=True,
            )
        results[notes] = record
    if not results:
        return 1
    payload = {
        "machine": {"cores": os.cpu_count(), "available_mb_at_end": round(available_mb())},
        "bars": BARS,
        "sizes": {str(n): r for n, r in sorted(results.items())},
        "growth_per_10x": {
            stage: {
                "seconds": growth(results, stage, "seconds"),
                "peak_rss_mb": growth(results, stage, "peak_rss_mb"),
            }
            for stage in (*STAGES, "features_warm")
        },
    }
    # Keep sizes measured by earlier runs (read now: another run may have just finished).
    previous = json.loads(OUT_JSON.read_text()) if OUT_JSON.is_file() else {}
    for size, record in previous.get("sizes", {}).items():
        mine = payload["sizes"].setdefault(size, record)
        for stage, figures in record["stages"].items():
            mine["stages"].setdefault(stage, figures)
    payload["sizes"] = dict(sorted(payload["sizes"].items(), key=lambda kv: int(kv[0])))
    all_sizes = {int(n): r for n, r in payload["sizes"].items()}
    payload["growth_per_10x"] = {
        stage: {
            "seconds": growth(all_sizes, stage, "seconds"),
            "peak_rss_mb": growth(all_sizes, stage, "peak_rss_mb"),
        }
        for stage in (*STAGES, "features_warm")
    }
    print_table(all_sizes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    from stages_report import write_report

    write_report(payload, OUT_HTML)
    print(f"saved {OUT_JSON} and {OUT_HTML}")
    failed = [(n, s) for n, r in results.items() for s, f in r["stages"].items() if f.get("exit")]
    return 1 if failed else 0


# --- the child: one stage --------------------------------------------------------------------


def child_main(stage: str, folder: Path, out: Path) -> int:
    logging.basicConfig(level=logging.WARNING)
    import redcat.modeling  # noqa: F401  (OpenMP's passive wait before LightGBM loads)
    from redcat.data import load_dataset
    from redcat.notebook import resolve_as_of

    figures: dict = {}
    if stage == "report":
        figures["seconds"] = stage_report(folder, figures)
    elif stage == "warm_rerun":
        figures.update(stage_warm_rerun(folder))
        figures["seconds"] = max(figures["warm_seconds_by_notebook"].values())
    else:
        started = time.perf_counter()
        data = load_dataset(folder)
        figures["load_seconds"] = round(time.perf_counter() - started, 2)
        if stage == "load":
            figures["seconds"] = figures["load_seconds"]
            figures["rows"] = {name: len(frame) for name, frame in data.tables.items()}
        else:
            as_of = resolve_as_of("", data)
            started = time.perf_counter()
            STAGE_WORK[stage](data, as_of, figures)
            figures.setdefault("seconds", round(time.perf_counter() - started, 2))
    out.write_text(json.dumps(figures))
    return 0


def stage_features(data, as_of, figures: dict) -> None:
    from redcat.features import FeatureTables, build_features

    started = time.perf_counter()
    build_features(FeatureTables.of(data), PARAMS["horizon_hours"])
    figures["seconds"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    build_features(FeatureTables.of(data), PARAMS["horizon_hours"])  # served by the cache
    figures["warm_seconds"] = round(time.perf_counter() - started, 2)


def stage_conversion(data, as_of, figures: dict) -> None:
    from redcat.modeling.study import run_conversion_study

    study = run_conversion_study(data, as_of=as_of, num_threads=2, **PARAMS)
    figures["steps"] = {k: round(v, 2) for k, v in study.timings.items()}
    figures["train_notes"] = int(study.counts["train_notes"])


def stage_dml(data, as_of, figures: dict) -> None:
    from redcat.cannibalization.note_level import estimate_note_level

    estimate_note_level(data, as_of=as_of, **PARAMS)


def stage_did(data, as_of, figures: dict) -> None:
    from redcat.cannibalization.merchant_level import estimate_merchant_level

    estimate_merchant_level(data, as_of=as_of)


def stage_rdd(data, as_of, figures: dict) -> None:
    from redcat.cannibalization.threshold import estimate_threshold

    estimate_threshold(data, as_of=as_of)


STAGE_WORK = {
    "features": stage_features,
    "conversion": stage_conversion,
    "dml": stage_dml,
    "did": stage_did,
    "rdd": stage_rdd,
}


def stage_report(folder: Path, figures: dict) -> float:
    from redcat.params import RunParams
    from redcat.runner import run

    with tempfile.TemporaryDirectory(prefix="redcat-bench-reports-") as reports:
        started = time.perf_counter()
        outcome = run(RunParams(data_dir=str(folder)), reports_dir=Path(reports))
        seconds = round(time.perf_counter() - started, 2)
        if outcome.exit_code != 0:
            raise SystemExit(f"redcat run failed: {outcome.message}")
        manifest = json.loads((outcome.run_dir / "manifest.json").read_text())
    figures["notebook_seconds"] = manifest["timings_seconds"]
    return seconds


def stage_warm_rerun(folder: Path) -> dict:
    """Each notebook run twice in one live kernel (a JupyterLab re-run): both runs' seconds."""
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from redcat.config import KERNEL_NAME
    from redcat.runner import discover_notebooks

    cold, warm = {}, {}
    with tempfile.TemporaryDirectory(prefix="redcat-bench-warm-") as run_dir:
        for path in discover_notebooks():
            nb = parameterize_notebook(
                load_notebook_node(str(path)),
                {"data_dir": str(folder), "run_dir": run_dir},
                report_mode=True,
            )
            client = NotebookClient(
                nb, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(path.parent)}}
            )
            with client.setup_kernel():
                for runs in (cold, warm):
                    started = time.perf_counter()
                    for index, cell in enumerate(nb.cells):
                        client.execute_cell(cell, index)
                    runs[path.stem] = round(time.perf_counter() - started, 2)
    return {"cold_seconds_by_notebook": cold, "warm_seconds_by_notebook": warm}


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
