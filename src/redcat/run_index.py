"""Run history: every run folder's manifest read back into one list, written as the index.

The run folders are the source of truth. `reports/index.json` (for machines) and
`reports/index.html` / `reports/index.en.html` (for people) are rebuilt from them after every
run and by `redcat index`; each is written to a temp file and renamed into place, and a small
lock keeps two rebuilds from crossing.

A manifest says "running" from the moment a run starts until it ends. Whether that run is still
alive is told by its own lock (`<run>/.alive.lock`, held by the running process and released by
the OS however the process ends): a "running" manifest whose lock is free belongs to a run that
was killed, and is listed as interrupted.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from redcat.results import write_json_atomic

log = logging.getLogger(__name__)

# --- the layout of a reports folder ----------------------------------------------------------
LATEST = "latest"
MANIFEST = "manifest.json"
RESULTS = "results.json"
RUN_LOG = "run.log"
ENTRY_POINT = "report.html"  # the stakeholder's page of a run (the summary notebook's HTML)
ALIVE_LOCK = ".alive.lock"  # held by the process running this run folder
LOCK_FILE = ".redcat-run.lock"  # held by the one run writing to the reports folder
HOLDER_FILE = ".redcat-run.holder.json"  # who holds LOCK_FILE (run id, pid, start), for messages
INDEX_LOCK = ".redcat-index.lock"
INDEX_JSON = "index.json"
INDEX_HTML = {"zh": "index.html", "en": "index.en.html"}
RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")

# --- statuses --------------------------------------------------------------------------------
RUNNING, SUCCEEDED, FAILED, INTERRUPTED = "running", "succeeded", "failed", "interrupted"
STATUSES = (SUCCEEDED, FAILED, INTERRUPTED, RUNNING)

# The headline numbers of a run, as results.json holds them (shared/data-contract.md).
HEADLINE_EFFECTS = (
    "cannibalization.note_offsite_gmv",
    "cannibalization.note_inapp_gmv",
    "cannibalization.ratio",
    "cannibalization.merchant_inapp_pct",
)
HEADLINE_METRICS = ("conversion.test_auc",)
# Run parameters the runner sets; the index shows the data folder on its own.
HIDDEN_PARAMETERS = frozenset({"data_dir", "run_dir"})


@dataclass
class RunRecord:
    """One run as the index shows it (the manifest's story, checked against the lock)."""

    run_id: str
    status: str
    started: str | None = None
    finished: str | None = None
    duration_seconds: float | None = None
    data_folder: str | None = None
    data_fingerprint: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    failed_notebook: str | None = None
    report: str | None = None  # path relative to the reports folder
    pages: list[str] = field(default_factory=list)  # every HTML page of the run
    log: str | None = None
    notebooks: list[str] = field(default_factory=list)  # executed notebooks (errors live here)
    latest: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_is_alive(run_dir: Path) -> bool:
    """True while a process holds the run's own lock (the run is executing right now)."""
    path = Path(run_dir) / ALIVE_LOCK
    if not path.exists():
        return False
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def latest_run_id(reports_dir: Path) -> str | None:
    """The run `reports/latest` points at (the last good run), if it points at one."""
    link = Path(reports_dir) / LATEST
    if not link.is_symlink():
        return None
    target = Path(link.readlink()).name
    return target if RUN_ID.match(target) and (Path(reports_dir) / target).is_dir() else None


def run_folders(reports_dir: Path) -> list[Path]:
    """The run folders, oldest first (run ids start with their UTC start time)."""
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return []
    return sorted(
        p
        for p in reports_dir.iterdir()
        if RUN_ID.match(p.name) and p.is_dir() and not p.is_symlink()
    )


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _duration(started: str | None, finished: str | None) -> float | None:
    try:
        seconds = (
            datetime.fromisoformat(finished) - datetime.fromisoformat(started)
        ).total_seconds()
    except (TypeError, ValueError):
        return None
    return round(seconds, 1)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def headline_numbers(results: dict[str, Any]) -> dict[str, Any]:
    """The headline effects (estimate and interval) and metrics a run reported, where numbers."""
    found: dict[str, Any] = {}
    for key in HEADLINE_EFFECTS:
        effect = results.get(key)
        if isinstance(effect, dict) and _number(effect.get("estimate")) is not None:
            found[key] = {
                part: _number(effect.get(part)) for part in ("estimate", "ci_low", "ci_high")
            }
    for key in HEADLINE_METRICS:
        if _number(results.get(key)) is not None:
            found[key] = float(results[key])
    return found


def _plain_file(run_dir: Path, name: Any) -> str | None:
    """`name` if it is a plain file name present in the run folder (never a path elsewhere)."""
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        return None
    return name if (run_dir / name).is_file() else None


def read_run(run_dir: Path, latest: str | None = None) -> RunRecord:
    """The record of one run folder."""
    run_dir = Path(run_dir)
    run_id = run_dir.name
    manifest = read_json(run_dir / MANIFEST)
    alive = run_is_alive(run_dir)
    if manifest is None:  # killed before its manifest was written, or the manifest is damaged
        return RunRecord(
            run_id=run_id,
            status=RUNNING if alive else INTERRUPTED,
            error=None if alive else f"{MANIFEST} missing or unreadable",
            log=_rel(run_dir, _plain_file(run_dir, RUN_LOG)),
        )
    status = str(manifest.get("status") or INTERRUPTED)
    if status == RUNNING and not alive:
        status = INTERRUPTED
    data = manifest.get("data") if isinstance(manifest.get("data"), dict) else {}
    parameters = manifest.get("parameters") if isinstance(manifest.get("parameters"), dict) else {}
    started, finished = manifest.get("started"), manifest.get("finished")
    results = read_json(run_dir / RESULTS) if status == SUCCEEDED else None
    pages = sorted(p.name for p in run_dir.glob("*.html") if not p.name.startswith("."))
    report = ENTRY_POINT if ENTRY_POINT in pages else (pages[0] if pages else None)
    error = manifest.get("error")
    if status == INTERRUPTED and not error:
        error = "the run was stopped before it finished (its process ended)"
    return RunRecord(
        run_id=run_id,
        status=status,
        started=started if isinstance(started, str) else None,
        finished=finished if isinstance(finished, str) else None,
        duration_seconds=(
            _number(manifest.get("duration_seconds"))
            if _number(manifest.get("duration_seconds")) is not None
            else _duration(started, finished)
        ),
        data_folder=str(data.get("folder")) if data.get("folder") is not None else None,
        data_fingerprint=str(data.get("fingerprint")) if data.get("fingerprint") else None,
        parameters={k: v for k, v in parameters.items() if k not in HIDDEN_PARAMETERS},
        headline=headline_numbers(results or {}),
        error=str(error) if error else None,
        failed_notebook=_plain_file(run_dir, manifest.get("failed_notebook")),
        report=_rel(run_dir, report) if status == SUCCEEDED else None,
        pages=[_rel(run_dir, p) for p in pages] if status == SUCCEEDED else [],
        log=_rel(run_dir, _plain_file(run_dir, RUN_LOG)),
        notebooks=sorted(_rel(run_dir, p.name) for p in run_dir.glob("[0-9][0-9]_*.ipynb")),
        latest=run_id == latest,
    )


def _rel(run_dir: Path, name: str | None) -> str | None:
    return f"{run_dir.name}/{name}" if name else None


def list_runs(reports_dir: Path) -> list[RunRecord]:
    """Every run in the reports folder, oldest first."""
    latest = latest_run_id(reports_dir)
    return [read_run(folder, latest) for folder in run_folders(reports_dir)]


def index_payload(reports_dir: Path, runs: list[RunRecord] | None = None) -> dict[str, Any]:
    """What index.json holds: the latest good run and every run, newest first."""
    runs = list_runs(reports_dir) if runs is None else runs
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "latest": latest_run_id(reports_dir),
        "counts": {status: sum(r.status == status for r in runs) for status in STATUSES},
        "runs": [r.to_dict() for r in reversed(runs)],
    }


def write_index(reports_dir: Path, wait_seconds: float = 60.0) -> dict[str, Path]:
    """Rebuild index.json and the HTML index pages from the run folders (atomically).

    Returns the written files by kind ("json", "zh", "en").
    """
    from redcat.report.run_index_html import index_charts, render_index, write_text_atomic

    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(reports_dir / INDEX_LOCK), timeout=wait_seconds):
        runs = list_runs(reports_dir)
        payload = index_payload(reports_dir, runs)
        charts = index_charts(payload)  # wordless, so both languages share them
        written = {"json": write_json_atomic(reports_dir / INDEX_JSON, payload)}
        for language, name in INDEX_HTML.items():
            path = reports_dir / name
            write_text_atomic(path, render_index(payload, language, charts))
            written[language] = path
    log.info("rebuilt the run index of %s (%d runs)", reports_dir, len(runs))
    return written
