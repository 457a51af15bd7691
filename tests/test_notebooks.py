"""Notebook templates: thin, parameterized like the runner expects, and they run end to end."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from redcat.config import NOTEBOOKS_DIR
from redcat.params import RunParams
from redcat.runner import EXIT_OK, discover_notebooks, html_name, run

NOTEBOOKS = discover_notebooks(NOTEBOOKS_DIR)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def test_there_are_report_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_data_overview.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_declares_exactly_the_run_parameters(path):
    tagged = [c for c in _cells(path) if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(_source(tagged[0]))
    declared = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
    }
    defaults = RunParams().model_dump()
    assert declared == defaults


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "redcat"
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert not cell["outputs"] and not cell["execution_count"], "committed with outputs"
        tree = ast.parse(_source(cell))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While), (
                f"logic in a notebook cell belongs in src/redcat: {_source(cell)[:80]}"
            )


@pytest.mark.slow
def test_all_notebooks_run_end_to_end_on_a_small_world(small_world, tmp_path):
    outcome = run(RunParams(data_dir=str(small_world), language="en"), reports_dir=tmp_path)
    assert outcome.exit_code == EXIT_OK, outcome.message
    for notebook in NOTEBOOKS:
        html = (outcome.run_dir / html_name(notebook)).read_text(encoding="utf-8")
        assert "Traceback" not in html
        assert "open_run(" not in html
