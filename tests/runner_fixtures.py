"""Fake report notebooks for runner tests: real papermill runs that take seconds."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_fake_notebook(path: Path, parameters: str, *cells: str, title: str = "test") -> Path:
    """A notebook on the `redcat` kernel: a heading, a `parameters` cell, then `cells`."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}"), params]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {
        "name": "redcat",
        "display_name": "Python (redcat)",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path
