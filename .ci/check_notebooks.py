"""Fail when a notebook is committed with outputs or without its `parameters` cell."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def problems(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    cells = nb.get("cells", [])
    if any(c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code"):
        found.append("has outputs or execution counts (run `make format`)")
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells):
        found.append("has no cell tagged 'parameters'")
    if nb.get("metadata", {}).get("kernelspec", {}).get("name") != "redcat":
        found.append("kernelspec is not 'redcat'")
    return found


if __name__ == "__main__":
    bad = 0
    for path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
        for problem in problems(path):
            print(f"{path}: {problem}")
            bad += 1
    sys.exit(1 if bad else 0)
