"""Results kept in the kernel between runs of a notebook (JupyterLab's warm re-run).

Running a notebook again in the same live kernel, on the same data and parameters, should not
train the models again. `remember(name, key, compute)` keeps one result per *name* (the latest:
a kernel never holds two studies of one kind) and returns it when `key` is unchanged. A key is
built with `memo_key` from everything the result depends on:

- the data: the dataset's fingerprint (a hash of its table files' bytes), plus digests of any
  side inputs the computation reads (e.g. the simulator's truth file);
- the parameters (as_of, window, horizon, seed, cluster, ...);
- the code: sha256 of the source files of the packages and modules that compute it
  (`code_digest`), so an edited module (reloaded with autoreload) recomputes.

Any change of one of them is a miss: the result is computed again and replaces the old one.
Only the pure result is kept: side effects (recording results, writing tables and model files
into the run) are the caller's job and happen on every run, hit or miss.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_entries: dict[str, tuple[str, Any, Any]] = {}
# name -> [hits, misses], for tests and logs
_counts: dict[str, list[int]] = {}


def _source_files(name: str) -> list[Path]:
    module = importlib.import_module(name)
    path = Path(module.__file__)
    if path.name == "__init__.py":  # a package: every module in it, recursively
        return sorted(path.parent.rglob("*.py"))
    return [path]


def code_digest(modules: Iterable[str]) -> str:
    """sha256 of the source files of `modules` (a package counts all of its .py files)."""
    digest = hashlib.sha256()
    for name in modules:
        for path in _source_files(name):
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def memo_key(*, data: str, parameters: dict[str, Any], code: str, **inputs: str) -> str:
    """One key from the data fingerprint, the parameters, the code digest and other inputs."""
    payload = json.dumps(
        {"data": data, "parameters": parameters, "code": code, "inputs": inputs},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def run_memo_key(run: Any, code: Iterable[str], **inputs: Any) -> str | None:
    """The key of a result computed from a run's data under the parameters every analysis
    shares (as-of date, W, H, seed), or None when the data did not come from files (nothing
    reliable to key on). `inputs` adds what else the result depends on."""
    fingerprint = getattr(run.data, "fingerprint", None)
    if not fingerprint:
        return None
    params = run.params
    return memo_key(
        data=fingerprint,
        parameters={
            "as_of": str(run.as_of),
            "window_days": params.window_days,
            "horizon_hours": params.horizon_hours,
            "seed": params.seed,
        },
        code=code_digest(code),
        **inputs,
    )


def remember(name: str, key: str, compute: Callable[[], T], *, source: Any = None) -> T:
    """The result stored under `name` if its key is `key`, else `compute()` (then stored).

    `source`, when given, must also be the very object the stored result was computed from
    (e.g. the loaded dataset, which a notebook re-run gets back from the load cache): frames
    changed in memory keep their files' fingerprint, so the fingerprint alone cannot tell.
    """
    counts = _counts.setdefault(name, [0, 0])
    entry = _entries.get(name)
    if entry is not None and entry[0] == key and entry[2] is source:
        counts[0] += 1
        log.info("%s: reusing the result computed earlier in this kernel (same key)", name)
        return entry[1]
    counts[1] += 1
    _entries.pop(name, None)  # free the old result before computing the new one
    result = compute()
    _entries[name] = (key, result, source)
    return result


def counts(name: str) -> tuple[int, int]:
    """(hits, misses) of `name` in this process."""
    hits, misses = _counts.get(name, [0, 0])
    return hits, misses


def forget(name: str | None = None) -> None:
    """Drop one stored result (or all of them)."""
    if name is None:
        _entries.clear()
    else:
        _entries.pop(name, None)
