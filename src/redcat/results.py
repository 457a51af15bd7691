"""One typed record of every number a run reports, written as results.json.

Notebooks record results one key at a time (a small JSON file per key, so notebooks never
rewrite each other's numbers); the runner gathers them into results.json with the run's
provenance. Keys follow shared/data-contract.md: `cannibalization.*` effects are objects with an
estimate and a 95% interval, `conversion.*` metrics are numbers.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FRAGMENTS_DIR = "results.d"


@dataclass(frozen=True)
class Effect:
    """An estimated effect with its 95% interval, as results.json stores it."""

    estimate: float
    ci_low: float
    ci_high: float
    method: str
    n: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Effect):
        return value.to_dict()
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return _jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN; a missing number is null, never a fake value
    return value


def write_json_atomic(path: Path, payload: Any) -> Path:
    """Write JSON to a temp file beside `path`, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(_jsonable(payload), fh, ensure_ascii=False, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are meant to be read by others
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def record_result(run_dir: Path, key: str, value: Any) -> Path:
    """Save one result under `key` (e.g. "conversion.test_auc") for the run in `run_dir`."""
    if not key or "/" in key or key.startswith("."):
        raise ValueError(f"result key {key!r} must be a plain dotted name")
    return write_json_atomic(Path(run_dir) / FRAGMENTS_DIR / f"{key}.json", {key: value})


def collect_results(run_dir: Path) -> dict[str, Any]:
    """All results recorded in a run folder, by key."""
    results: dict[str, Any] = {}
    folder = Path(run_dir) / FRAGMENTS_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        results.update(json.loads(path.read_text(encoding="utf-8")))
    return results
