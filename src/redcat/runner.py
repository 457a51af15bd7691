"""`redcat run`: validate, execute the notebooks with papermill, publish the run.

A run lives in `reports/<run_id>/`: the executed notebooks, their HTML, results.json and
manifest.json. Parameters and data are checked before anything is created. A run that fails
keeps its executed notebook (the error is in it) as its log, is marked failed in its manifest,
and publishes nothing: `reports/latest` moves only when a run succeeds.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from redcat.config import KERNEL_NAME, NOTEBOOKS_DIR, REPORTS_DIR
from redcat.data import DataContractError, fingerprint_dataset, validate_dataset
from redcat.params import ParameterError, RunParams
from redcat.provenance import code_version, package_versions
from redcat.results import collect_results, write_json_atomic

log = logging.getLogger(__name__)

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
LATEST = "latest"
LOCK_FILE = ".redcat-run.lock"
MANIFEST = "manifest.json"
RESULTS = "results.json"
RUN_LOG = "run.log"

# Exit codes of `redcat run` (documented in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # a notebook failed; its executed copy holds the error
EXIT_BAD_INPUT = 2  # parameters or data broke the contract; nothing ran
EXIT_BUSY = 3  # another run holds the reports folder


class RunSetupError(RuntimeError):
    """The machine is not ready to run (e.g. the project kernel is not installed)."""


@dataclass(frozen=True)
class RunOutcome:
    run_id: str | None
    run_dir: Path | None
    status: str  # "succeeded", "failed", "rejected", "busy"
    exit_code: int
    message: str = ""


def discover_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The report notebooks, in their numbered order."""
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def ensure_kernel(kernel_name: str = KERNEL_NAME) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise RunSetupError(
            f"Jupyter kernel {kernel_name!r} is not installed; run `make setup` first"
        ) from exc


def point_latest(reports_dir: Path, run_id: str) -> None:
    """Swap `reports/latest` to the run in one rename, so readers never see it missing."""
    link = reports_dir / LATEST
    tmp = reports_dir / f".{LATEST}.{run_id}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(run_id, tmp, target_is_directory=True)
    os.replace(tmp, link)


def _file_logger(run_dir: Path) -> logging.Handler:
    handler = logging.FileHandler(run_dir / RUN_LOG, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("redcat").addHandler(handler)
    return handler


def _execute(notebook: Path, out: Path, params: RunParams, kernel_name: str) -> None:
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=params.model_dump(),
        kernel_name=kernel_name,
        cwd=str(notebook.parent),
        progress_bar=False,
        log_output=False,
        report_mode=True,
    )


def report_title(notebook: Path) -> str:
    """The notebook's first markdown heading (its human title), else its file name."""
    import nbformat

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            return cell.source.lstrip().splitlines()[0].lstrip("#").strip()
    return notebook.stem


def _export(executed: Path) -> Path:
    from redcat.report.html import export_html

    return export_html(executed, executed.with_suffix(".html"), title=report_title(executed))


def check_data(data_dir: Path) -> str | None:
    """None when the dataset meets the contract, else the readable report."""
    report = validate_dataset(data_dir)
    return (
        None
        if report.ok
        else f"{data_dir}: the dataset breaks the data contract\n{report.format()}"
    )


def execute_run(
    params: RunParams,
    reports_dir: Path = REPORTS_DIR,
    notebooks: Sequence[Path] | None = None,
    kernel_name: str = KERNEL_NAME,
) -> RunOutcome:
    """Run the notebooks into a new run folder. Parameters and data are assumed checked."""
    reports_dir = Path(reports_dir)
    notebooks = list(notebooks) if notebooks is not None else discover_notebooks()
    run_id = new_run_id()
    run_dir = reports_dir / run_id
    run_dir.mkdir(parents=True)
    params = params.model_copy(update={"run_dir": str(run_dir.resolve())})
    data_dir = Path(params.data_dir)
    manifest: dict[str, object] = {
        "run_id": run_id,
        "status": "running",
        "started": datetime.now(UTC).isoformat(),
        "parameters": params.model_dump(),
        "data": {"folder": str(data_dir.resolve()), "fingerprint": fingerprint_dataset(data_dir)},
        "code": code_version(),
        "packages": package_versions(),
        "kernel": kernel_name,
        "notebooks": [nb.name for nb in notebooks],
        "timings_seconds": {},
    }
    write_json_atomic(run_dir / MANIFEST, manifest)
    handler = _file_logger(run_dir)
    timings: dict[str, float] = manifest["timings_seconds"]  # type: ignore[assignment]
    try:
        for notebook in notebooks:
            started = time.perf_counter()
            executed = run_dir / notebook.name
            log.info("executing %s", notebook.name)
            try:
                _execute(notebook, executed, params, kernel_name)
                _export(executed)
            except Exception as exc:  # the executed notebook keeps the traceback
                timings[notebook.stem] = round(time.perf_counter() - started, 3)
                message = f"{notebook.name} failed: {type(exc).__name__}: {_first_line(exc)}"
                log.error("%s (log: %s)", message, executed)
                manifest.update(status="failed", error=message, failed_notebook=notebook.name)
                manifest["finished"] = datetime.now(UTC).isoformat()
                write_json_atomic(run_dir / MANIFEST, manifest)
                return RunOutcome(run_id, run_dir, "failed", EXIT_FAILED, message)
            timings[notebook.stem] = round(time.perf_counter() - started, 3)
        results = {
            "run_id": run_id,
            "parameters": params.model_dump(),
            "data": manifest["data"],
            "code": manifest["code"],
            "timings_seconds": timings,
            **collect_results(run_dir),
        }
        write_json_atomic(run_dir / RESULTS, results)
        manifest.update(status="succeeded", finished=datetime.now(UTC).isoformat())
        write_json_atomic(run_dir / MANIFEST, manifest)
        point_latest(reports_dir, run_id)
        log.info("run %s succeeded in %.1f s", run_id, sum(timings.values()))
        return RunOutcome(run_id, run_dir, "succeeded", EXIT_OK)
    finally:
        logging.getLogger("redcat").removeHandler(handler)
        handler.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else ""


def run(
    params: RunParams,
    reports_dir: Path = REPORTS_DIR,
    notebooks: Sequence[Path] | None = None,
    kernel_name: str = KERNEL_NAME,
) -> RunOutcome:
    """Check the data, take the reports folder's lock, and execute the run."""
    reports_dir = Path(reports_dir)
    problem = check_data(Path(params.data_dir))
    if problem:
        return RunOutcome(None, None, "rejected", EXIT_BAD_INPUT, problem)
    ensure_kernel(kernel_name)
    reports_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(reports_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return RunOutcome(
            None,
            None,
            "busy",
            EXIT_BUSY,
            f"another redcat run is writing to {reports_dir}; try again when it ends",
        )
    try:
        return execute_run(params, reports_dir, notebooks, kernel_name)
    finally:
        lock.release()


__all__ = [
    "DataContractError",
    "ParameterError",
    "RunOutcome",
    "discover_notebooks",
    "execute_run",
    "run",
]
