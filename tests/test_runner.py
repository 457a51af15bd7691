"""The runner: a good run publishes, a failed run keeps its log and publishes nothing, bad input
stops everything before work starts, and two runs never share a reports folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from filelock import FileLock

from contract_fixtures import make_valid_tables, write_tables
from redcat.cli import main
from redcat.params import RunParams
from redcat.runner import EXIT_BAD_INPUT, EXIT_BUSY, EXIT_FAILED, EXIT_OK, LOCK_FILE, run
from runner_fixtures import write_fake_notebook

PARAMETERS_CELL = """data_dir = ""
run_dir = ""
as_of = ""
window_days = 14
horizon_hours = 72
seed = 0
language = "zh"
"""

OPEN_RUN = (
    "from redcat.notebook import open_run\n"
    "run = open_run(data_dir=data_dir, run_dir=run_dir, as_of=as_of, window_days=window_days,"
    " horizon_hours=horizon_hours, seed=seed, language=language)"
)


def _notebook(path: Path, *cells: str) -> Path:
    return write_fake_notebook(path, PARAMETERS_CELL, *cells)


@pytest.fixture
def dataset(tmp_path) -> Path:
    folder = tmp_path / "data"
    write_tables(make_valid_tables(), folder)
    return folder


@pytest.fixture
def good_notebook(tmp_path) -> Path:
    return _notebook(
        tmp_path / "01_ok.ipynb",
        OPEN_RUN,
        "run.record('conversion.test_auc', 0.75)\nprint(len(run.data.notes))",
    )


@pytest.fixture
def failing_notebook(tmp_path) -> Path:
    return _notebook(tmp_path / "02_boom.ipynb", OPEN_RUN, "raise RuntimeError('boom in cell')")


@pytest.fixture
def summary_notebook(tmp_path) -> Path:
    """A stand-in for notebooks/04_summary.ipynb: its HTML is the run's report.html."""
    return _notebook(tmp_path / "04_summary.ipynb", "print('summary')")


def _params(dataset: Path, **kw) -> RunParams:
    return RunParams(data_dir=str(dataset), **kw)


def test_good_run_publishes_everything(tmp_path, dataset, good_notebook, summary_notebook):
    reports = tmp_path / "reports"
    outcome = run(
        _params(dataset, window_days=7),
        reports_dir=reports,
        notebooks=[good_notebook, summary_notebook],
    )
    assert outcome.exit_code == EXIT_OK, outcome.message
    run_dir = outcome.run_dir
    assert (reports / "latest").resolve() == run_dir.resolve()
    for name in ("01_ok.ipynb", "01_ok.html", "report.html", "results.json", "manifest.json"):
        assert (run_dir / name).is_file(), name
    assert not (run_dir / "04_summary.html").exists()  # the summary is the entry point
    assert "summary" in (run_dir / "report.html").read_text(encoding="utf-8")
    log_text = (run_dir / "run.log").read_text(encoding="utf-8")
    assert "01_ok.ipynb done in" in log_text and "succeeded in" in log_text  # timings logged
    index = json.loads((reports / "index.json").read_text())
    assert index["latest"] == outcome.run_id
    assert index["runs"][0]["report"] == f"{outcome.run_id}/report.html"
    results = json.loads((run_dir / "results.json").read_text())
    assert results["conversion.test_auc"] == 0.75
    assert results["parameters"]["window_days"] == 7
    assert len(results["data"]["fingerprint"]) == 64
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "succeeded" and manifest["report"] == "report.html"
    assert manifest["packages"]["pandas"] and "01_ok" in manifest["timings_seconds"]
    html = (run_dir / "01_ok.html").read_text(encoding="utf-8")
    assert "run.record" not in html  # no code in a report


def test_failed_run_keeps_its_log_and_publishes_nothing(
    tmp_path, dataset, good_notebook, failing_notebook, summary_notebook
):
    reports = tmp_path / "reports"
    first = run(_params(dataset), reports_dir=reports, notebooks=[good_notebook])
    assert first.exit_code == EXIT_OK
    second = run(
        _params(dataset),
        reports_dir=reports,
        notebooks=[good_notebook, failing_notebook, summary_notebook],
    )
    assert second.exit_code == EXIT_FAILED
    assert "02_boom.ipynb" in second.message and "RuntimeError: boom in cell" in second.message
    assert (reports / "latest").resolve() == first.run_dir.resolve()
    manifest = json.loads((second.run_dir / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed_notebook"] == "02_boom.ipynb"
    executed = (second.run_dir / "02_boom.ipynb").read_text(encoding="utf-8")
    assert "boom in cell" in executed
    assert not (second.run_dir / "results.json").exists()
    # nothing that looks like a finished report: no entry page, staged or final
    assert not [p.name for p in second.run_dir.iterdir() if "report" in p.name]
    log_text = (second.run_dir / "run.log").read_text(encoding="utf-8")
    assert "02_boom.ipynb failed" in log_text and "boom in cell" in log_text
    # the index keeps the good run as latest and lists the failed one with its log
    index = json.loads((reports / "index.json").read_text())
    assert index["latest"] == first.run_id
    failed = index["runs"][0]
    assert (failed["run_id"], failed["status"]) == (second.run_id, "failed")
    assert failed["log"] == f"{second.run_id}/run.log" and failed["report"] is None
    assert failed["failed_notebook"] == "02_boom.ipynb"
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert f'href="{second.run_id}/02_boom.ipynb"' in page
    assert f'href="{first.run_id}/01_ok.html"' in page  # its report (no summary in that run)


def test_broken_data_stops_before_any_work(tmp_path, dataset, good_notebook):
    reports = tmp_path / "reports"
    first = run(_params(dataset), reports_dir=reports, notebooks=[good_notebook])
    (dataset / "creators.parquet").unlink()
    outcome = run(_params(dataset), reports_dir=reports, notebooks=[good_notebook])
    assert outcome.exit_code == EXIT_BAD_INPUT
    assert "creators" in outcome.message
    assert sorted(p.name for p in reports.iterdir() if not p.name.startswith(".")) == sorted(
        [first.run_id, "latest", "index.html", "index.en.html", "index.json"]
    )


def test_a_second_run_on_the_same_folder_is_turned_away(tmp_path, dataset, good_notebook):
    reports = tmp_path / "reports"
    reports.mkdir()
    with FileLock(str(reports / LOCK_FILE)):
        outcome = run(_params(dataset), reports_dir=reports, notebooks=[good_notebook])
    assert outcome.exit_code == EXIT_BUSY
    assert "another redcat run" in outcome.message


def test_cli_rejects_bad_parameters_before_reading_data(tmp_path, capsys):
    code = main(
        [
            "run",
            "--data",
            str(tmp_path / "nowhere"),
            "--reports",
            str(tmp_path / "r"),
            "-p",
            "window_days=0",
            "-p",
            "colour=red",
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "window_days" in err and "colour" in err
    assert not (tmp_path / "r").exists()


def test_cli_rejects_broken_data_naming_table_and_column(tmp_path, dataset, capsys):
    import pandas as pd

    notes = pd.read_parquet(dataset / "notes.parquet").drop(columns=["price"])
    notes.to_parquet(dataset / "notes.parquet", index=False)
    code = main(["run", "--data", str(dataset), "--reports", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "notes" in err and "price" in err
