"""What a contract check found: problems, the report that collects them, and how they read.

A `Problem` names one broken rule in one place (table, column) with how many rows break it and
a few example rows, so a data owner can find them in their file. Row numbers are 1-based data
rows: row 1 is the first row after a CSV's header (CSV line 2), or the first row of a parquet file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MAX_EXAMPLES = 5
# Problems about the folder itself, not one table, are filed under this name.
DATASET = "dataset"


@dataclass(frozen=True)
class Problem:
    """One rule broken in one table (and column, where the rule is about a column)."""

    table: str
    column: str | None
    rule: str
    count: int
    message: str
    examples: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "rule": self.rule,
            "count": self.count,
            "message": self.message,
            "examples": [dict(e) for e in self.examples],
        }

    def format(self) -> str:
        where = f"{self.column} " if self.column else ""
        lines = [f"  - {where}[{self.rule}] {self.message}"]
        lines += [f"      {format_example(e)}" for e in self.examples]
        return "\n".join(lines)


@dataclass
class ValidationReport:
    """Every problem found in one dataset folder, and the rows read from each table."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_table(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.table, []).append(problem)
        return grouped

    def format(self) -> str:
        """A readable verdict: one OK line, or every problem grouped by table."""
        rows = sum(self.row_counts.values())
        head = f"Data contract check of {self.folder}"
        if self.ok:
            counts = ", ".join(f"{name} {n:,}" for name, n in self.row_counts.items())
            return f"{head}\nOK: {len(self.row_counts)} tables, {rows:,} rows ({counts})"
        grouped = self.by_table()
        lines = [
            head,
            f"FAILED: {len(self.problems)} problem(s) in {len(grouped)} table(s) "
            f"({rows:,} rows read)",
        ]
        for table, problems in grouped.items():
            lines.append(f"{table}:")
            lines += [p.format() for p in problems]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (strict JSON: no NaN or infinity)."""
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "row_counts": dict(self.row_counts),
            "problems": [p.to_dict() for p in self.problems],
        }


class DataContractError(Exception):
    """A dataset breaks the data contract; `.report` holds every problem found."""

    def __init__(self, report: ValidationReport):
        super().__init__(report.format())
        self.report = report


def plain(value: Any) -> Any:
    """A value as plain JSON-safe Python: None for missing, strings for times and infinities."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):  # .item() would give nanoseconds as an int
        value = pd.Timestamp(value)
        return None if value is pd.NaT else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, pd.Timestamp | datetime | date):
        return str(pd.Timestamp(value))
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, bytes):
        return value.hex(" ")
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return str(value)


def format_example(example: dict[str, Any]) -> str:
    parts = [f"{key}={value!r}" for key, value in example.items() if key != "row"]
    if "row" in example:
        return f"row {example['row']}: " + ", ".join(parts)
    return ", ".join(parts)


def examples_at(
    frame: pd.DataFrame,
    positions: Sequence[int] | np.ndarray,
    columns: Iterable[str],
    extra: dict[str, Sequence | np.ndarray] | None = None,
) -> tuple[dict[str, Any], ...]:
    """Up to MAX_EXAMPLES example rows: the 1-based row number and the given columns' values.

    `extra` adds values that are not in the frame, one per picked row (e.g. the parent row's
    publish_time looked up for each example row).
    """
    shown = [c for c in dict.fromkeys(columns) if c in frame.columns]
    picked = np.asarray(positions, dtype=np.int64)[:MAX_EXAMPLES]
    values = frame[shown].take(picked) if shown else None
    examples = []
    for i, position in enumerate(picked):
        example: dict[str, Any] = {"row": int(position) + 1}
        for column in shown:
            example[column] = plain(values[column].iloc[i])
        for name, aligned in (extra or {}).items():
            example[name] = plain(aligned[i])
        examples.append(example)
    return tuple(examples)


def examples_where(
    frame: pd.DataFrame, mask: np.ndarray | pd.Series, columns: Iterable[str]
) -> tuple[int, tuple[dict[str, Any], ...]]:
    """How many rows a boolean mask marks, and examples of the first few."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    return len(positions), examples_at(frame, positions, columns)
