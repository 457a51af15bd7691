"""`redcat run` under cron: runs started together never mix, a waiting run queues, a stopped or
killed run never passes for a good one, and --keep removes the right folders.

Real `redcat run` processes on a tiny folder of fake notebooks (a sleep, a summary that records
two results), so each run takes seconds, not the real notebooks' minute.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from contract_fixtures import make_valid_tables, write_tables
from redcat.cli import main
from redcat.params import RunParams
from redcat.run_index import LOCK_FILE
from redcat.runner import EXIT_BUSY, EXIT_OK, discover_notebooks, run
from runner_fixtures import write_fake_notebook

SUMMARY = """from redcat.results import record_result
record_result(run_dir, "cannibalization.ratio",
              {"estimate": 0.4, "ci_low": 0.3, "ci_high": 0.5, "method": "fake", "n": 10})
record_result(run_dir, "conversion.test_auc", 0.78)
print("summary")"""


def _notebook(path: Path, source: str) -> Path:
    return write_fake_notebook(path, 'run_dir = ""', source, title=path.stem)


def _notebooks(folder: Path, sleep: float) -> Path:
    """A notebooks folder holding one fake summary notebook, which sleeps first."""
    folder.mkdir()
    _notebook(folder / "04_summary.ipynb", f"import time\ntime.sleep({sleep})\n{SUMMARY}")
    return folder


@pytest.fixture
def dataset(tmp_path) -> Path:
    folder = tmp_path / "data"
    write_tables(make_valid_tables(), folder)
    return folder


def _start(dataset: Path, reports: Path, notebooks: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "redcat.cli", "run", "--data", str(dataset)]
    command += ["--reports", str(reports), "--notebooks", str(notebooks), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def _manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def _index(reports: Path) -> dict:
    return json.loads((reports / "index.json").read_text(encoding="utf-8"))


def _runs(reports: Path) -> list[Path]:
    return sorted(p for p in reports.iterdir() if p.is_dir() and not p.is_symlink())


def _complete(run_dir: Path) -> None:
    """A published run: every page, its results and a succeeded manifest, nothing half-written."""
    for name in ("report.html", "results.json", "run.log", "manifest.json"):
        assert (run_dir / name).is_file(), name
    assert not (run_dir / "04_summary.html").exists()  # the summary is the run's report.html
    assert not list(run_dir.glob(".*.tmp")) and not list(run_dir.glob(".*.pending"))
    assert _manifest(run_dir)["status"] == "succeeded"
    assert (
        json.loads((run_dir / "results.json").read_text())["cannibalization.ratio"]["estimate"]
        == 0.4
    )


def test_two_runs_started_together_one_publishes_the_other_is_turned_away(tmp_path, dataset):
    reports, notebooks = tmp_path / "reports", _notebooks(tmp_path / "nb", sleep=1)
    first, second = (_start(dataset, reports, notebooks) for _ in range(2))
    (code_a, text_a), (code_b, text_b) = _finish(first), _finish(second)
    assert sorted([code_a, code_b]) == [EXIT_OK, EXIT_BUSY], text_a + text_b
    (run_dir,) = _runs(reports)  # the loser created nothing
    _complete(run_dir)
    loser = text_b if code_b == EXIT_BUSY else text_a
    holder = _manifest(run_dir)
    assert f"run {run_dir.name} (pid {holder['pid']}" in loser  # names who holds the folder
    assert "--wait" in loser
    assert (reports / "latest").resolve() == run_dir.resolve()
    index = _index(reports)
    assert [r["run_id"] for r in index["runs"]] == [run_dir.name] and index[
        "latest"
    ] == run_dir.name


def test_with_wait_the_second_run_queues_and_the_runs_never_overlap(tmp_path, dataset):
    reports, notebooks = tmp_path / "reports", _notebooks(tmp_path / "nb", sleep=0)
    processes = [_start(dataset, reports, notebooks, "--wait", "120") for _ in range(2)]
    results = [_finish(p) for p in processes]
    assert [code for code, _ in results] == [EXIT_OK, EXIT_OK], results
    older, newer = _runs(reports)
    for run_dir in (older, newer):
        _complete(run_dir)
        log = (run_dir / "run.log").read_text(encoding="utf-8")
        other = newer if run_dir == older else older
        assert other.name not in log  # each log tells one run's story
        assert "04_summary.ipynb done in" in log and "succeeded in" in log  # timings
    first, second = sorted((_manifest(older), _manifest(newer)), key=lambda m: m["started"])
    assert first["finished"] <= second["started"]  # one after the other, never interleaved
    assert (reports / "latest").resolve().name == second["run_id"]
    index = _index(reports)
    assert index["latest"] == second["run_id"]
    assert [r["status"] for r in index["runs"]] == ["succeeded", "succeeded"]


def _wait_for_notebook_start(reports: Path, process: subprocess.Popen, skip: str = "") -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        for run_dir in _runs(reports) if reports.exists() else []:
            log = run_dir / "run.log"
            if run_dir.name == skip or not log.exists():
                continue
            if "Executing notebook with kernel" in log.read_text(encoding="utf-8"):
                return run_dir
        time.sleep(0.2)
    raise AssertionError("the run never started its notebook")


def _good_run_before(reports: Path) -> str:
    """A published run, as the runner leaves one (written by hand: no need to run it)."""
    run_id = "20200101T000000Z-000001"
    (reports / run_id).mkdir(parents=True)
    (reports / run_id / "report.html").write_text("<html></html>", encoding="utf-8")
    (reports / run_id / "manifest.json").write_text('{"status": "succeeded"}', encoding="utf-8")
    (reports / "latest").symlink_to(run_id, target_is_directory=True)
    return run_id


def test_a_run_stopped_by_sigterm_is_marked_interrupted_and_publishes_nothing(tmp_path, dataset):
    reports = tmp_path / "reports"
    good = _good_run_before(reports)
    process = _start(dataset, reports, _notebooks(tmp_path / "nb", sleep=120))
    run_dir = _wait_for_notebook_start(reports, process, skip=good)
    process.send_signal(signal.SIGTERM)
    code, text = _finish(process, timeout=60)
    assert code == 128 + signal.SIGTERM, text
    assert "interrupted" in text
    manifest = _manifest(run_dir)
    assert manifest["status"] == "interrupted" and "SIGTERM" in manifest["error"]
    assert not (run_dir / "report.html").exists()
    assert (reports / "latest").resolve().name == good
    index = _index(reports)
    assert index["latest"] == good
    assert [(r["run_id"], r["status"]) for r in index["runs"]] == [
        (run_dir.name, "interrupted"),
        (good, "succeeded"),
    ]
    assert index["runs"][0]["log"] == f"{run_dir.name}/run.log"


def test_a_killed_run_frees_the_folder_and_the_index_lists_it_as_interrupted(tmp_path, dataset):
    reports = tmp_path / "reports"
    process = _start(dataset, reports, _notebooks(tmp_path / "nb", sleep=120))
    run_dir = _wait_for_notebook_start(reports, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert _manifest(run_dir)["status"] == "running"  # nothing could update it
    with FileLock(str(reports / LOCK_FILE)).acquire(timeout=0):  # the OS released the lock
        pass
    assert main(["index", "--reports", str(reports)]) == 0
    (entry,) = _index(reports)["runs"]
    assert entry["status"] == "interrupted" and entry["report"] is None
    assert "stopped before it finished" in entry["error"]
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert "中断" in page and f'href="{run_dir.name}/run.log"' in page


def test_keep_deletes_the_oldest_runs_after_a_good_run(tmp_path, dataset):
    reports = tmp_path / "reports"
    notebooks = discover_notebooks(_notebooks(tmp_path / "nb", sleep=0))
    for name in ("20200101T000000Z-000001", "20200102T000000Z-000002", "20200103T000000Z-000003"):
        (reports / name).mkdir(parents=True)
        (reports / name / "manifest.json").write_text('{"status": "failed"}', encoding="utf-8")
    outcome = run(
        RunParams(data_dir=str(dataset)), reports_dir=reports, notebooks=notebooks, keep=2
    )
    assert outcome.exit_code == EXIT_OK, outcome.message
    assert [p.name for p in _runs(reports)] == ["20200103T000000Z-000003", outcome.run_id]
    assert [r["run_id"] for r in _index(reports)["runs"]] == [
        outcome.run_id,
        "20200103T000000Z-000003",
    ]
    with pytest.raises(SystemExit) as bad:
        main(["run", "--data", str(dataset), "--reports", str(reports), "--keep", "0"])
    assert bad.value.code == 2


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[1] / "params").glob("*.yaml")), ids=lambda p: p.name
)
def test_each_schedule_parameters_file_is_valid_and_pins_the_definitions(path):
    from redcat.params import read_params_file, resolve_params

    params = resolve_params(path, [], {"data_dir": "data/prod"})
    pinned = read_params_file(path)
    for name in ("window_days", "horizon_hours", "seed", "language"):
        assert name in pinned, f"{path.name} leaves {name} to the code's default"
    assert (params.window_days, params.horizon_hours) == (14, 72)  # the contract's W and H
