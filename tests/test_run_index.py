"""The run history: rebuilt from the run folders' manifests, honest about failed and killed runs,
safe with hostile strings, self-contained, and charting exactly the successful runs' estimates.

Run folders here are written by hand (a manifest, results.json, a log), so these tests run no
notebooks; tests/test_scheduling.py drives real runs.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from filelock import FileLock

from redcat.report.run_index_html import headline_text, outside_references, render_index
from redcat.run_index import (
    ALIVE_LOCK,
    FAILED,
    HEADLINE_EFFECTS,
    INTERRUPTED,
    RUNNING,
    SUCCEEDED,
    index_payload,
    list_runs,
    write_index,
)
from redcat.runner import prune_runs

HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def effect(estimate: float, half_width: float = 1.0) -> dict:
    return {
        "estimate": estimate,
        "ci_low": estimate - half_width,
        "ci_high": estimate + half_width,
        "method": "test",
        "n": 100,
    }


GOOD_RESULTS = {
    "cannibalization.note_offsite_gmv": effect(30.0, 5.0),
    "cannibalization.note_inapp_gmv": effect(-12.0, 3.0),
    "cannibalization.ratio": effect(0.4, 0.1),
    "cannibalization.merchant_inapp_pct": effect(-4.0, 1.5),
    "conversion.test_auc": 0.781,
}


def fake_run(
    reports: Path,
    run_id: str,
    status: str,
    results: dict | None = None,
    data_folder: str = "/data/prod",
    parameters: dict | None = None,
    error: str | None = None,
    failed_notebook: str | None = None,
    latest: bool = False,
) -> Path:
    """A run folder as the runner leaves it (manifest, log, pages, results for good runs)."""
    folder = reports / run_id
    folder.mkdir(parents=True)
    stamp = f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}T{run_id[9:11]}:{run_id[11:13]}:00+00:00"
    manifest = {
        "run_id": run_id,
        "status": status,
        "started": stamp,
        "parameters": {
            "window_days": 14,
            "language": "zh",
            "run_dir": str(folder),
            **(parameters or {}),
        },
        "data": {"folder": data_folder, "fingerprint": "ab" * 32},
    }
    if status != RUNNING:
        manifest.update(finished=stamp, duration_seconds=83.0)
    if error:
        manifest["error"] = error
    if failed_notebook:
        manifest["failed_notebook"] = failed_notebook
        if "/" not in failed_notebook:
            (folder / failed_notebook).write_text("{}", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "run.log").write_text("log\n", encoding="utf-8")
    if status == SUCCEEDED:
        (folder / "results.json").write_text(json.dumps(results or {}), encoding="utf-8")
        (folder / "report.html").write_text("<html></html>", encoding="utf-8")
        (folder / "01_data_overview.html").write_text("<html></html>", encoding="utf-8")
    if latest:
        link = reports / "latest"
        link.unlink(missing_ok=True)
        link.symlink_to(run_id, target_is_directory=True)
    return folder


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_index_lists_every_run_newest_first_with_its_true_status(tmp_path):
    reports = tmp_path / "reports"
    fake_run(reports, "20261101T020000Z-aaaaaa", SUCCEEDED, GOOD_RESULTS)
    fake_run(reports, "20261108T020000Z-bbbbbb", SUCCEEDED, GOOD_RESULTS, latest=True)
    fake_run(
        reports,
        "20261115T020000Z-cccccc",
        FAILED,
        error="03_cannibalization.ipynb failed: RuntimeError: boom",
        failed_notebook="03_cannibalization.ipynb",
    )
    fake_run(reports, "20261122T020000Z-dddddd", RUNNING)  # killed: its lock is free
    alive = fake_run(reports, "20261125T020000Z-eeeeee", RUNNING)  # still running
    (reports / "not-a-run").mkdir()  # other folders are not runs
    with FileLock(str(alive / ALIVE_LOCK)):
        written = write_index(reports)
    index = json.loads(written["json"].read_text(encoding="utf-8"))
    assert [r["run_id"][:8] for r in index["runs"]] == [
        "20261125",
        "20261122",
        "20261115",
        "20261108",
        "20261101",
    ]
    status = {r["run_id"][6:8]: r["status"] for r in index["runs"]}
    assert status == {
        "25": RUNNING,
        "22": INTERRUPTED,
        "15": FAILED,
        "08": SUCCEEDED,
        "01": SUCCEEDED,
    }
    assert index["latest"] == "20261108T020000Z-bbbbbb"
    assert index["counts"] == {"succeeded": 2, "failed": 1, "interrupted": 1, "running": 1}
    failed = index["runs"][2]
    assert failed["log"] == "20261115T020000Z-cccccc/run.log"
    assert failed["failed_notebook"] == "03_cannibalization.ipynb"
    assert failed["report"] is None and failed["headline"] == {}
    latest = index["runs"][3]
    assert latest["latest"] and latest["report"] == "20261108T020000Z-bbbbbb/report.html"
    assert latest["headline"]["cannibalization.ratio"] == pytest.approx(
        {"estimate": 0.4, "ci_low": 0.3, "ci_high": 0.5}, abs=1e-12
    )
    assert latest["headline"]["conversion.test_auc"] == 0.781
    assert "run_dir" not in latest["parameters"] and latest["duration_seconds"] == 83.0

    page = written["zh"].read_text(encoding="utf-8")
    links = [a["href"] for tag, a in tags(page) if tag == "a"]
    assert "20261115T020000Z-cccccc/run.log" in links
    assert "20261115T020000Z-cccccc/03_cannibalization.ipynb" in links
    assert "20261108T020000Z-bbbbbb/report.html" in links
    assert "index.en.html" in links
    assert "失败" in page and "中断" in page and "进行中" in page
    assert not [p for p in reports.iterdir() if p.name.endswith(".tmp")]  # temp files renamed away


def test_index_escapes_hostile_strings_and_requests_nothing(tmp_path):
    reports = tmp_path / "reports"
    fake_run(
        reports,
        "20261101T020000Z-aaaaaa",
        SUCCEEDED,
        GOOD_RESULTS,
        data_folder=HOSTILE[0],
        parameters={"as_of": HOSTILE[1], HOSTILE[0]: "x"},
        latest=True,
    )
    fake_run(
        reports,
        "20261102T020000Z-bbbbbb",
        FAILED,
        data_folder=HOSTILE[1],
        error=f"01_x.ipynb failed: ValueError: {HOSTILE[0]}",
        failed_notebook="../../etc/passwd",  # never linked: not a file of the run folder
    )
    written = write_index(reports)
    for language in ("zh", "en"):
        page = written[language].read_text(encoding="utf-8")
        names = [tag for tag, _ in tags(page)]
        assert "script" not in names and "img" not in names
        assert not any(k.startswith("on") for _, attrs in tags(page) for k in attrs)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert outside_references(page) == []
        assert "passwd" not in page
    # the checker itself catches what must never be in the page
    assert outside_references('<a href="https://cdn.example/x.js">x</a>')
    assert outside_references('<img src="x">') and outside_references("<script></script>")
    assert outside_references('<a href="../../etc/passwd">x</a>')
    assert outside_references('<a href="x" onclick="alert(1)">x</a>')


def test_chart_shows_each_estimate_of_the_successful_runs_only(tmp_path):
    reports = tmp_path / "reports"
    for day in ("01", "08", "15"):
        fake_run(reports, f"202611{day}T020000Z-aaaaaa", SUCCEEDED, GOOD_RESULTS)
    only_ratio = {"cannibalization.ratio": effect(0.5, 0.2)}
    fake_run(reports, "20261122T020000Z-bbbbbb", SUCCEEDED, only_ratio, latest=True)
    fake_run(reports, "20261123T020000Z-cccccc", FAILED, error="boom")
    payload = index_payload(reports)
    for language in ("zh", "en"):
        page = render_index(payload, language)
        figures = {a["data-metric"]: int(a["data-points"]) for t, a in tags(page) if t == "figure"}
        assert figures == {
            "cannibalization.note_offsite_gmv": 3,
            "cannibalization.note_inapp_gmv": 3,
            "cannibalization.ratio": 4,
            "cannibalization.merchant_inapp_pct": 3,
        }
        assert len(re.findall(r"<svg\b", page)) == len(HEADLINE_EFFECTS)
        assert f'<meta name="redcat-charts" content="{len(HEADLINE_EFFECTS)}">' in page
        # one marker per point: matplotlib draws each errorbar's dot as one <use> of a marker
        ratio_svg = page.split('data-metric="cannibalization.ratio"')[1].split("</figure>")[0]
        assert len(re.findall(r"<use\b", ratio_svg)) >= 4


def test_no_good_run_yet_says_so_and_draws_no_chart(tmp_path):
    reports = tmp_path / "reports"
    fake_run(reports, "20261101T020000Z-aaaaaa", FAILED, error="boom")
    page = render_index(index_payload(reports), "en")
    assert "No run has succeeded yet" in page
    assert "<figure" not in page
    assert 'lang="en"' in page and "run history" in page.split("</h1>")[0]
    assert 'lang="zh-CN"' in render_index(index_payload(reports))  # Chinese by default


def test_headline_numbers_are_written_with_units_and_intervals():
    assert headline_text(
        "cannibalization.ratio", {"estimate": 0.4, "ci_low": 0.3, "ci_high": 0.55}
    ) == ("0.40 (0.30 – 0.55)")
    assert (
        headline_text(
            "cannibalization.merchant_inapp_pct",
            {"estimate": -4.04, "ci_low": -5.5, "ci_high": -2.5},
        )
        == "−4.0% (−5.5% – −2.5%)"
    )
    assert headline_text(
        "cannibalization.note_offsite_gmv", {"estimate": 1234.5, "ci_low": None, "ci_high": None}
    ) == ("¥1,234.50")
    assert (
        headline_text(
            "cannibalization.note_inapp_gmv",
            {"estimate": -139.4, "ci_low": -570.0, "ci_high": 28.0},
        )
        == "−¥139.40 (−¥570.00 – ¥28.00)"
    )
    assert headline_text("conversion.test_auc", 0.7812) == "0.781"
    assert headline_text("conversion.test_auc", None) == "–"


def test_keep_deletes_the_oldest_but_never_the_latest_good_or_a_running_run(tmp_path):
    reports = tmp_path / "reports"
    ids = [f"202611{day:02d}T020000Z-aaaaaa" for day in range(1, 8)]
    fake_run(reports, ids[0], SUCCEEDED, GOOD_RESULTS, latest=True)  # oldest, but latest good
    alive = fake_run(reports, ids[1], RUNNING)  # in progress (lock held)
    fake_run(reports, ids[2], FAILED, error="boom")
    fake_run(reports, ids[3], INTERRUPTED)
    fake_run(reports, ids[4], SUCCEEDED, GOOD_RESULTS)
    fake_run(reports, ids[5], FAILED, error="boom")
    fake_run(reports, ids[6], FAILED, error="boom")
    with FileLock(str(alive / ALIVE_LOCK)):
        deleted = prune_runs(reports, keep=3)
    assert deleted == [ids[2], ids[3]]
    assert [r.run_id for r in list_runs(reports)] == [ids[0], ids[1], ids[4], ids[5], ids[6]]
    assert (reports / "latest").resolve() == (reports / ids[0]).resolve()
    assert not [p for p in reports.iterdir() if p.name.startswith(".deleting-")]
    with pytest.raises(ValueError, match="at least 1"):
        prune_runs(reports, keep=0)


def test_index_is_rebuilt_from_manifests_so_a_damaged_one_shows_as_interrupted(tmp_path):
    reports = tmp_path / "reports"
    folder = fake_run(reports, "20261101T020000Z-aaaaaa", SUCCEEDED, GOOD_RESULTS)
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    (run,) = list_runs(reports)
    assert run.status == INTERRUPTED and "manifest" in run.error
    assert run.report is None  # its pages are not offered as a good report
    os.remove(folder / "manifest.json")
    assert list_runs(reports)[0].status == INTERRUPTED
