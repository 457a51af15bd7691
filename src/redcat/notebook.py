"""The run context a notebook opens in its first cell after `parameters`.

`open_run(...)` validates the parameters, loads and checks the dataset (stopping with the
contract's report if it is broken) and gives the notebook one object to ask for data and to
hand results back. In JupyterLab the same call works with the defaults, on a scratch folder.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from redcat.config import DEFAULT_DATA_DIR
from redcat.data import Dataset, ValidationReport, fingerprint_dataset
from redcat.data.dataset import load_dataset_cached
from redcat.engine.cluster import activate
from redcat.params import RunParams, build_params
from redcat.results import record_result

log = logging.getLogger(__name__)

TABLES_DIR = "tables"


@dataclass(frozen=True)
class RunContext:
    params: RunParams
    data: Dataset
    validation: ValidationReport
    run_dir: Path
    as_of: pd.Timestamp  # the last instant the run may see (end of the as-of day)

    @property
    def language(self) -> str:
        return self.params.language

    def record(self, key: str, value: Any) -> Path:
        """Hand a result to the run; the runner writes it into results.json."""
        return record_result(self.run_dir, key, value)

    def outputs(self):
        """What earlier notebooks of this run recorded and saved (`redcat.run_outputs`)."""
        from redcat.run_outputs import load_run_outputs

        return load_run_outputs(self.run_dir)

    def save_table(self, name: str, frame: pd.DataFrame) -> Path:
        """Save a table the run produced (e.g. predictions) beside its report."""
        path = self.run_dir / TABLES_DIR / f"{name}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
        return path


@lru_cache(maxsize=2)
def _load_cached(folder: str, fingerprint: str) -> Dataset:
    # Keyed by content fingerprint: re-running a cell in JupyterLab reuses the frames unless
    # the files changed; another kernel (the next notebook of a run, a restart) reads the
    # typed, checked tables back from the on-disk dataset cache instead of typing them again.
    return load_dataset_cached(folder, fingerprint)


def resolve_as_of(as_of: str, data: Dataset) -> pd.Timestamp:
    day = pd.Timestamp(as_of) if as_of else pd.Timestamp(data.data_end).normalize()
    return day + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def open_run(**parameters: Any) -> RunContext:
    """Validate parameters and data, and return the context every notebook section uses."""
    params = build_params(parameters, source="notebook parameters")
    # `cluster`: local, or a Dask scheduler the heavy stages then run on (redcat.engine).
    activate(params.cluster)
    folder = Path(params.data_dir) if params.data_dir else DEFAULT_DATA_DIR
    data = _load_cached(str(folder.resolve()), fingerprint_dataset(folder))
    if params.run_dir:
        run_dir = Path(params.run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
    else:
        run_dir = Path(tempfile.mkdtemp(prefix="redcat-scratch-"))
        log.info("no run_dir given: results go to scratch folder %s", run_dir)
    # load_dataset raised if anything broke the contract, so the verdict is a clean one.
    validation = ValidationReport(
        folder=folder, row_counts={name: len(frame) for name, frame in data.tables.items()}
    )
    return RunContext(
        params=params,
        data=data,
        validation=validation,
        run_dir=run_dir,
        as_of=resolve_as_of(params.as_of, data),
    )
