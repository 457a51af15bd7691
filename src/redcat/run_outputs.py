"""What the earlier notebooks of a run left in its folder, read back for the summary (04).

Notebooks 01–03 hand results to the run one key at a time (`results.d/<key>.json`, see
`redcat.results`) and save tables as `tables/<name>.parquet` (`RunContext.save_table`). The
summary reads them here instead of recomputing anything. Everything it needs is checked up
front: if a notebook did not run (or failed before saving), `load_run_outputs` stops with a
message that names the missing file and the notebook that writes it.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from redcat.results import FRAGMENTS_DIR

log = logging.getLogger(__name__)

TABLES_DIR = "tables"  # same folder as redcat.notebook.TABLES_DIR (kept import-light)

CONVERSION_NOTEBOOK = "02_offsite_conversion.ipynb"
CANNIBALIZATION_NOTEBOOK = "03_cannibalization.ipynb"
OVERVIEW_NOTEBOOK = "01_data_overview.ipynb"

# Result keys the summary cannot do without, and the notebook that records each.
REQUIRED_RESULTS: dict[str, str] = {
    "conversion.test_auc": CONVERSION_NOTEBOOK,
    "cannibalization.note_inapp_gmv": CANNIBALIZATION_NOTEBOOK,
    "cannibalization.note_offsite_gmv": CANNIBALIZATION_NOTEBOOK,
    "cannibalization.ratio": CANNIBALIZATION_NOTEBOOK,
    "cannibalization.merchant_inapp_pct": CANNIBALIZATION_NOTEBOOK,
}
# Tables always saved by notebook 03.
REQUIRED_TABLES: dict[str, str] = {
    "cannibalization_designs": CANNIBALIZATION_NOTEBOOK,
    "cannibalization_subgroups": CANNIBALIZATION_NOTEBOOK,
}
# Tables notebook 02 saves whenever it trained a model (test AUC not null).
CONVERSION_TABLES: dict[str, str] = {
    "conversion_metrics": CONVERSION_NOTEBOOK,
    "conversion_gains": CONVERSION_NOTEBOOK,
}


class MissingRunOutput(FileNotFoundError):
    """An output the summary needs is not in the run folder; the message names the file."""


def _producer(name: str) -> str:
    if name.startswith(("conversion", "predictions")):
        return CONVERSION_NOTEBOOK
    if name.startswith("cannibalization"):
        return CANNIBALIZATION_NOTEBOOK
    if name.startswith("overview"):
        return OVERVIEW_NOTEBOOK
    return "an earlier notebook"


def result_path(run_dir: Path, key: str) -> Path:
    return Path(run_dir) / FRAGMENTS_DIR / f"{key}.json"


def table_path(run_dir: Path, name: str) -> Path:
    return Path(run_dir) / TABLES_DIR / f"{name}.parquet"


def _missing(path: Path, producer: str) -> MissingRunOutput:
    return MissingRunOutput(
        f"{path}: not found. The summary reads it from the run folder; it is written by "
        f"{producer}. Run the whole report (`redcat run --data FOLDER`) or run {producer} "
        "first with the same run_dir."
    )


@dataclass
class RunOutputs:
    """Results (by key) and saved tables (read on first use) of one run folder."""

    run_dir: Path
    results: dict[str, Any]
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def result(self, key: str, default: Any = None) -> Any:
        return self.results.get(key, default)

    def number(self, key: str) -> float:
        """A numeric result; NaN when it was recorded as null (e.g. "no model")."""
        value = self.results.get(key)
        return float(value) if isinstance(value, int | float) else math.nan

    def effect(self, key: str) -> dict[str, float]:
        """An effect result {estimate, ci_low, ci_high, n, method}; nulls become NaN/±inf."""
        raw = self.results.get(key) or {}
        value = lambda name, missing: float(raw[name]) if raw.get(name) is not None else missing  # noqa: E731
        estimate = value("estimate", math.nan)
        # An interval end recorded as null is unbounded when the estimate exists (an unbounded
        # Fieller set for the ratio), unknown when it does not.
        unbounded = math.isfinite(estimate)
        return {
            "estimate": estimate,
            "ci_low": value("ci_low", -math.inf if unbounded else math.nan),
            "ci_high": value("ci_high", math.inf if unbounded else math.nan),
            "n": int(raw.get("n") or 0),
            "method": str(raw.get("method") or ""),
        }

    def has_table(self, name: str) -> bool:
        return name in self._tables or table_path(self.run_dir, name).is_file()

    def table(self, name: str) -> pd.DataFrame:
        """A saved table; MissingRunOutput naming the file if it is not there."""
        if name not in self._tables:
            path = table_path(self.run_dir, name)
            if not path.is_file():
                raise _missing(path, _producer(name))
            self._tables[name] = pd.read_parquet(path)
        return self._tables[name]

    def optional_table(self, name: str) -> pd.DataFrame | None:
        return self.table(name) if self.has_table(name) else None

    @property
    def has_conversion_model(self) -> bool:
        return math.isfinite(self.number("conversion.test_auc"))


def read_results(run_dir: Path) -> dict[str, Any]:
    """Every result fragment in the run folder, by key (the runner's results.json, unmerged)."""
    results: dict[str, Any] = {}
    folder = Path(run_dir) / FRAGMENTS_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            results.update(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    return results


def load_run_outputs(run_dir: Path) -> RunOutputs:
    """Read a run folder's results and check every output the summary needs is there."""
    run_dir = Path(run_dir)
    results = read_results(run_dir)
    for key, producer in REQUIRED_RESULTS.items():
        if key not in results:
            raise _missing(result_path(run_dir, key), producer)
    outputs = RunOutputs(run_dir=run_dir, results=results)
    needed = dict(REQUIRED_TABLES)
    if outputs.has_conversion_model:
        needed |= CONVERSION_TABLES
    for name, producer in needed.items():
        if not outputs.has_table(name):
            raise _missing(table_path(run_dir, name), producer)
    log.info("run outputs read from %s: %d results", run_dir, len(results))
    return outputs
