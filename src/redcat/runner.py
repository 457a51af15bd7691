"""`redcat run`: validate, execute the notebooks with papermill, publish the run.

A run lives in `reports/<run_id>/`: the executed notebooks, their HTML (the summary notebook's
as `report.html`, the run's entry point), results.json, manifest.json and run.log. Parameters
and data are checked before anything is created.

Publishing is all or nothing. `report.html` appears only when every notebook has run, and
`reports/latest` moves (one atomic rename) only after the manifest says "succeeded". A run that
fails keeps its executed notebook (the error is in it) and run.log, is marked failed in its
manifest, and publishes nothing. A run stopped by SIGTERM, SIGHUP or Ctrl-C is marked
"interrupted"; one killed outright (SIGKILL) leaves a "running" manifest whose own lock is free,
which the run index reads as interrupted.

One run at a time writes to a reports folder: a second one waits for the folder's lock up to
`wait` seconds, then gives up with EXIT_BUSY, naming the run that holds it. After every run
the index (reports/index.html, index.json) is rebuilt from the run folders' manifests.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from redcat.config import KERNEL_NAME, NOTEBOOKS_DIR, REPORTS_DIR
from redcat.data import DataContractError, fingerprint_dataset, validate_dataset
from redcat.data.dataset import load_dataset_cached
from redcat.params import ParameterError, RunParams
from redcat.provenance import code_version, package_versions
from redcat.results import collect_results, write_json_atomic
from redcat.run_index import (
    ALIVE_LOCK,
    ENTRY_POINT,
    FAILED,
    HOLDER_FILE,
    INTERRUPTED,
    LATEST,
    LOCK_FILE,
    MANIFEST,
    RESULTS,
    RUN_LOG,
    RUNNING,
    SUCCEEDED,
    latest_run_id,
    read_json,
    run_folders,
    run_is_alive,
    write_index,
)

log = logging.getLogger(__name__)

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
# The notebook whose HTML is the run's entry point for stakeholders (NN_summary.ipynb).
ENTRY_NOTEBOOK = re.compile(r"^\d\d_summary\.ipynb$")
STAGED_ENTRY = f".{ENTRY_POINT}.pending"  # the entry page until the whole run has succeeded
TRASH_PREFIX = ".deleting-"

# Exit codes of `redcat run` (documented in `redcat run --help` and the README).
EXIT_OK = 0
EXIT_FAILED = 1  # a notebook failed; its executed copy and run.log hold the error
EXIT_BAD_INPUT = 2  # parameters or data broke the contract; nothing ran
EXIT_BUSY = 3  # another run holds the reports folder (and --wait ran out)
# A run stopped by a signal exits 128 + the signal's number, as shells do: 130 (SIGINT),
# 143 (SIGTERM), 129 (SIGHUP). Its manifest says "interrupted".
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class RunSetupError(RuntimeError):
    """The machine is not ready to run (e.g. the project kernel is not installed)."""


class RunInterrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error
    """The run was asked to stop by a signal (SIGTERM from cron/systemd, SIGHUP)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


@dataclass(frozen=True)
class RunOutcome:
    run_id: str | None
    run_dir: Path | None
    status: str  # "succeeded", "failed", "interrupted", "rejected", "busy"
    exit_code: int
    message: str = ""


def discover_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The report notebooks, in their numbered order."""
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def html_name(notebook: Path) -> str:
    """The HTML file a notebook becomes: `report.html` for NN_summary, else NN_name.html."""
    return (
        ENTRY_POINT if ENTRY_NOTEBOOK.match(Path(notebook).name) else Path(notebook).stem + ".html"
    )


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


class _KernelStderr:
    """papermill's `stderr_file`: what the notebooks write to stderr (warnings, the package's
    progress records) goes to run.log only, at INFO, so a cron log keeps one line per outcome;
    a failing cell's traceback reaches the console through the run's own error."""

    def __init__(self, notebook: str) -> None:
        self.notebook = notebook

    def write(self, text: str) -> None:
        if text.strip():
            log.info("%s stderr: %s", self.notebook, text.rstrip())

    def flush(self) -> None:
        pass


@contextmanager
def _run_log(run_dir: Path) -> Iterator[None]:
    """Send the package's and papermill's log records (INFO and up) to the run's run.log."""
    handler = logging.FileHandler(run_dir / RUN_LOG, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger("redcat"), logging.getLogger("papermill")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)  # console handlers keep their own, higher level
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()


def _local_kernel_manager() -> type:
    """A kernel manager that talks to its kernel over Unix sockets (IPC), not TCP.

    The kernel only ever serves this process on this machine: IPC sockets live in the user's
    private Jupyter runtime folder, so no port is opened, and ipykernel has no reason to warn
    (once per notebook, on the console) that plain-text TCP could be overheard. Each kernel's
    sockets get their own absolute path there: jupyter_client's default is the relative name
    "kernel-ipc", so two runs at once (two test workers, two scheduled runs) bound the same
    sockets and read each other's messages ("Invalid Signature", kernels not answering).
    """
    import uuid

    from jupyter_client import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets import default

    class LocalKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            folder = Path(jupyter_runtime_dir())
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Short: a Unix socket path must stay under ~100 characters.
            return str(folder / f"k-{uuid.uuid4().hex[:16]}")

    return LocalKernelManager


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
        stderr_file=_KernelStderr(notebook.name),
        report_mode=True,
        kernel_manager_class=_local_kernel_manager(),
    )


def report_title(notebook: Path) -> str:
    """The notebook's first markdown heading (its human title), else its file name."""
    import nbformat

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            return cell.source.lstrip().splitlines()[0].lstrip("#").strip()
    return notebook.stem


def _export(executed: Path, out_html: Path) -> Path:
    from redcat.report.html import export_html

    return export_html(executed, out_html, title=report_title(executed))


def check_data(data_dir: Path) -> str | None:
    """None when the dataset meets the contract, else the readable report.

    The check loads every table, so it runs in a child process: its memory (gigabytes at a
    million notes) goes back to the system before the notebook kernels start, instead of staying
    with the runner for the whole run. The child loads through the dataset cache, so the first
    notebook finds the typed tables there rather than reading and checking the files again.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_check_data_here, str(data_dir)).result()


def _check_data_here(data_dir: str) -> str | None:
    try:
        load_dataset_cached(data_dir)
    except DataContractError as err:
        report = err.report
    except OSError:  # e.g. no such folder: fingerprinting fails before the check can say so
        report = validate_dataset(data_dir)
        if report.ok:
            raise
    else:
        return None
    return f"{data_dir}: the dataset breaks the data contract\n{report.format()}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _describe_failure(exc: BaseException) -> str:
    """One line naming what went wrong (papermill's errors carry the cell's exception)."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        return f"{ename}: {_first_line(str(evalue))}" + (f" (cell [{cell}])" if cell else "")
    return f"{type(exc).__name__}: {_first_line(str(exc))}"


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _finish(run_dir: Path, manifest: dict[str, object], status: str, **fields: object) -> None:
    finished = datetime.now(UTC)
    started = datetime.fromisoformat(str(manifest["started"]))
    manifest.update(
        status=status,
        finished=finished.isoformat(timespec="seconds"),
        duration_seconds=round((finished - started).total_seconds(), 1),
        **fields,
    )
    write_json_atomic(run_dir / MANIFEST, manifest)


def execute_run(
    params: RunParams,
    reports_dir: Path = REPORTS_DIR,
    notebooks: Sequence[Path] | None = None,
    kernel_name: str = KERNEL_NAME,
    run_id: str | None = None,
) -> RunOutcome:
    """Run the notebooks into a new run folder. Parameters and data are assumed checked.

    Raises what stopped it (a signal, an unexpected error) after marking the manifest.
    """
    reports_dir = Path(reports_dir)
    notebooks = list(notebooks) if notebooks is not None else discover_notebooks()
    run_id = run_id or new_run_id()
    run_dir = reports_dir / run_id
    params = params.model_copy(update={"run_dir": str(run_dir.resolve())})
    data_dir = Path(params.data_dir)
    manifest: dict[str, object] = {
        "run_id": run_id,
        "status": RUNNING,
        "started": _now(),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "parameters": params.model_dump(),
        "data": {"folder": str(data_dir.resolve()), "fingerprint": fingerprint_dataset(data_dir)},
        "code": code_version(),
        "packages": package_versions(),
        "kernel": kernel_name,
        "notebooks": [nb.name for nb in notebooks],
        "timings_seconds": {},
        "log": RUN_LOG,
    }
    timings: dict[str, float] = manifest["timings_seconds"]  # type: ignore[assignment]
    staged, entry = run_dir / STAGED_ENTRY, run_dir / ENTRY_POINT
    published = False
    run_dir.mkdir(parents=True)
    alive = FileLock(str(run_dir / ALIVE_LOCK))
    alive.acquire(timeout=0)  # held until this process ends: the index's "still running" test
    try:
        with _run_log(run_dir):
            write_json_atomic(run_dir / MANIFEST, manifest)
            log.info("run %s started (pid %s): %d notebooks", run_id, os.getpid(), len(notebooks))
            try:
                outcome = _execute_all(notebooks, run_dir, params, kernel_name, manifest, timings)
                if outcome is not None:
                    return outcome
                results = {
                    "run_id": run_id,
                    "parameters": params.model_dump(),
                    "data": manifest["data"],
                    "code": manifest["code"],
                    "timings_seconds": timings,
                    **collect_results(run_dir),
                }
                write_json_atomic(run_dir / RESULTS, results)
                if staged.exists():
                    os.replace(staged, entry)  # the entry page appears only for a complete run
                pages = sorted(p.name for p in run_dir.glob("*.html"))
                _finish(
                    run_dir,
                    manifest,
                    SUCCEEDED,
                    report=ENTRY_POINT if entry.exists() else (pages[0] if pages else None),
                    pages=pages,
                )
                point_latest(reports_dir, run_id)
                published = True
                log.info("run %s succeeded in %.1f s", run_id, manifest["duration_seconds"])
                return RunOutcome(run_id, run_dir, SUCCEEDED, EXIT_OK)
            except BaseException as exc:
                interrupted = isinstance(exc, RunInterrupted | KeyboardInterrupt)
                status = INTERRUPTED if interrupted else FAILED
                reason = str(exc) if isinstance(exc, RunInterrupted) else _describe_failure(exc)
                log.error("run %s %s: %s", run_id, status, reason, exc_info=not interrupted)
                _finish(run_dir, manifest, status, error=reason)
                raise
    finally:
        if not published:  # nothing that looks like a finished report may stay behind
            staged.unlink(missing_ok=True)
            entry.unlink(missing_ok=True)
        alive.release()


def _execute_all(
    notebooks: Sequence[Path],
    run_dir: Path,
    params: RunParams,
    kernel_name: str,
    manifest: dict[str, object],
    timings: dict[str, float],
) -> RunOutcome | None:
    """Execute and export each notebook in turn; the failed outcome if one fails, else None."""
    for notebook in notebooks:
        started = time.perf_counter()
        executed = run_dir / notebook.name
        html = html_name(notebook)
        out_html = run_dir / (STAGED_ENTRY if html == ENTRY_POINT else html)
        log.info("executing %s", notebook.name)
        try:
            _execute(notebook, executed, params, kernel_name)
            _export(executed, out_html)
        except Exception as exc:  # the executed notebook keeps the traceback
            timings[notebook.stem] = round(time.perf_counter() - started, 3)
            message = f"{notebook.name} failed: {_describe_failure(exc)}"
            log.error(
                "%s after %.1f s; the executed notebook %s holds the error",
                message,
                timings[notebook.stem],
                executed.name,
            )
            # The whole traceback goes to run.log (INFO and up), not to the console or cron log.
            log.info("traceback of the failure in %s:\n%s", notebook.name, str(exc).strip())
            _finish(run_dir, manifest, FAILED, error=message, failed_notebook=notebook.name)
            return RunOutcome(run_dir.name, run_dir, FAILED, EXIT_FAILED, message)
        timings[notebook.stem] = round(time.perf_counter() - started, 3)
        log.info("%s done in %.1f s → %s", notebook.name, timings[notebook.stem], html)
    return None


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into RunInterrupted (SIGINT is KeyboardInterrupt already)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise RunInterrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def prune_runs(reports_dir: Path, keep: int) -> list[str]:
    """Delete the oldest run folders so that the `keep` newest remain; return the deleted ids.

    Every run folder counts, failed and interrupted ones too (their logs are kept while they
    are recent). Never deleted: the run `latest` points at, and a run still in progress. Each
    folder is first renamed out of the way (one atomic step, so nobody sees half a run), then
    removed.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    reports_dir = Path(reports_dir)
    latest = latest_run_id(reports_dir)
    folders = run_folders(reports_dir)
    deleted = []
    for folder in folders[: max(len(folders) - keep, 0)]:
        if folder.name == latest or run_is_alive(folder):
            continue
        trash = reports_dir / f"{TRASH_PREFIX}{folder.name}"
        os.rename(folder, trash)
        deleted.append(folder.name)
    for trash in reports_dir.glob(f"{TRASH_PREFIX}*"):  # also what an earlier prune left
        shutil.rmtree(trash, ignore_errors=True)
    if deleted:
        log.info("--keep %d: deleted %d old run folder(s): %s", keep, len(deleted), deleted)
    return deleted


def _busy_message(reports_dir: Path, waited: float) -> str:
    holder = read_json(reports_dir / HOLDER_FILE) or {}
    who = (
        f": run {holder.get('run_id')} (pid {holder.get('pid')} on {holder.get('host')}, "
        f"started {holder.get('started')})"
        if holder.get("run_id")
        else ""
    )
    tried = f"gave up after waiting {waited:g} s" if waited > 0 else "not waiting (--wait 0)"
    return (
        f"another redcat run holds {reports_dir}{who}; {tried}. Try again when it ends, "
        "or pass --wait SECONDS to queue behind it"
    )


def refresh_index(reports_dir: Path) -> None:
    """Rebuild the run index; a problem here is logged, never turned into a failed run."""
    try:
        write_index(reports_dir)
    except Exception:
        log.exception("could not rebuild the run index of %s", reports_dir)


def run(
    params: RunParams,
    reports_dir: Path = REPORTS_DIR,
    notebooks: Sequence[Path] | None = None,
    kernel_name: str = KERNEL_NAME,
    *,
    wait: float = 0.0,
    keep: int | None = None,
) -> RunOutcome:
    """Check the data, take the reports folder's lock, execute the run, then prune and index.

    `wait`: seconds to wait for a run in progress to end (0: turn away at once).
    `keep`: after a successful run, keep only this many newest run folders (see prune_runs).
    """
    reports_dir = Path(reports_dir)
    if keep is not None and keep < 1:
        return RunOutcome(None, None, "rejected", EXIT_BAD_INPUT, f"--keep {keep}: must be ≥ 1")
    problem = check_data(Path(params.data_dir))
    if problem:
        return RunOutcome(None, None, "rejected", EXIT_BAD_INPUT, problem)
    notebooks = list(notebooks) if notebooks is not None else discover_notebooks()
    if not notebooks:
        message = f"no report notebooks ({NOTEBOOK_GLOB}) in {NOTEBOOKS_DIR}"
        return RunOutcome(None, None, "rejected", EXIT_BAD_INPUT, message)
    ensure_kernel(kernel_name)
    reports_dir.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    lock = FileLock(str(reports_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=max(float(wait), 0.0))
    except Timeout:
        return RunOutcome(None, None, "busy", EXIT_BUSY, _busy_message(reports_dir, wait))
    holder = reports_dir / HOLDER_FILE
    try:
        write_json_atomic(
            holder,
            {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(), "started": _now()},
        )
        try:
            with _stop_on_signals():
                outcome = execute_run(params, reports_dir, notebooks, kernel_name, run_id=run_id)
        except (RunInterrupted, KeyboardInterrupt) as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            outcome = RunOutcome(
                run_id,
                reports_dir / run_id,
                INTERRUPTED,
                128 + int(signum),
                f"run {run_id} stopped by {signal.Signals(signum).name}; latest is unchanged",
            )
        except BaseException:
            refresh_index(reports_dir)
            raise
        if outcome.status == SUCCEEDED and keep:
            try:
                prune_runs(reports_dir, keep)
            except OSError:
                log.exception("--keep %d: could not delete old run folders", keep)
        refresh_index(reports_dir)
        return outcome
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


__all__ = [
    "DataContractError",
    "ParameterError",
    "RunInterrupted",
    "RunOutcome",
    "discover_notebooks",
    "execute_run",
    "html_name",
    "prune_runs",
    "run",
]
