"""What produced a run: code version and package versions, recorded in every manifest."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

from redcat import __version__
from redcat.config import PROJ_ROOT

TRACKED_PACKAGES = (
    "redcat",
    "numpy",
    "pandas",
    "pyarrow",
    "pandera",
    "scikit-learn",
    "lightgbm",
    "matplotlib",
    "papermill",
    "nbconvert",
    "ipykernel",
)


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJ_ROOT), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def code_version() -> dict[str, object]:
    """The git commit (and whether the tree had uncommitted changes), else the package version."""
    commit = _git("rev-parse", "HEAD")
    if not commit:
        return {"version": __version__, "commit": None, "dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"version": __version__, "commit": commit, "dirty": bool(status)}


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
