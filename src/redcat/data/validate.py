"""Check a dataset folder against the contract: every table, then the rules across tables."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from redcat.contract import TABLE_ORDER, TABLES, Table
from redcat.data.checks import table_problems
from redcat.data.coerce import typed_frame
from redcat.data.read import UnreadableTable, locate_table, read_table_file
from redcat.data.relations import relation_problems
from redcat.data.report import DATASET, Problem, ValidationReport
from redcat.data.schema import schema_problems

log = logging.getLogger(__name__)


def validate_dataset(folder: str | Path) -> ValidationReport:
    """Every problem of the dataset in `folder`; never raises for problems in the data."""
    return inspect_folder(folder)[1]


def inspect_folder(
    folder: str | Path, tables: Iterable[str] | None = None
) -> tuple[dict[str, pd.DataFrame], ValidationReport]:
    """The typed frames of the tables that could be read, and the report on all of them.

    `tables` limits the check to those tables plus the parents their keys refer to.
    """
    folder = Path(folder)
    report = ValidationReport(folder.resolve() if folder.exists() else folder)
    names = tables_with_parents(tables)
    if not folder.is_dir():
        what = "is not a directory" if folder.exists() else "does not exist"
        report.problems.append(
            Problem(DATASET, None, "folder_missing", 1, f"the dataset folder {what}")
        )
        return {}, report

    started = time.perf_counter()
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        frame, problems = inspect_table(folder, TABLES[name])
        report.problems += problems
        if frame is not None:
            frames[name] = frame
            report.row_counts[name] = len(frame)
    report.problems += relation_problems(frames)
    log.info(
        "checked %s: %d tables, %d rows, %d problem(s) in %.1f s",
        folder,
        len(frames),
        sum(report.row_counts.values()),
        len(report.problems),
        time.perf_counter() - started,
    )
    return frames, report


def inspect_table(folder: Path, spec: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One table read, typed and checked on its own; None if it cannot be read at all."""
    started = time.perf_counter()
    path, problem = locate_table(folder, spec.name)
    if problem is not None:
        return None, [problem]
    raw, problem = read_table_file(path, spec)
    if problem is not None:
        return None, [problem]
    try:
        frame, problems, bad_rows = typed_frame(spec, raw)
    except UnreadableTable as err:  # a damaged column, found only when read
        return None, [err.problem]
    finally:
        raw.close()
    problems += schema_problems(spec.name, frame, bad_rows)
    problems += table_problems(spec, frame)
    log.debug("%s: %d rows checked in %.2f s", path.name, len(frame), time.perf_counter() - started)
    return frame, problems


def tables_with_parents(tables: Iterable[str] | None) -> tuple[str, ...]:
    """The requested tables plus every table their foreign keys reach, in contract order."""
    if tables is None:
        return TABLE_ORDER
    wanted = list(tables)
    unknown = [t for t in wanted if t not in TABLES]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; the contract has {list(TABLE_ORDER)}")
    needed: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name not in needed:
            needed.add(name)
            wanted += [c.references[0] for c in TABLES[name].columns if c.references]
    return tuple(t for t in TABLE_ORDER if t in needed)
