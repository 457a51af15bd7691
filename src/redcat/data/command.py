"""`redcat validate FOLDER`: print the contract verdict and exit 0 (ok) or 2 (problems)."""

from __future__ import annotations

import sys
from pathlib import Path

from redcat.data.validate import validate_dataset

EXIT_OK = 0
EXIT_PROBLEMS = 2


def validate_command(folder: str | Path) -> int:
    report = validate_dataset(folder)
    print(report.format())
    if report.ok:
        return EXIT_OK
    print(f"redcat validate: {len(report.problems)} problem(s) in {report.folder}", file=sys.stderr)
    return EXIT_PROBLEMS
