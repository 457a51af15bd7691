"""Shared fixtures: a small simulated world, made once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Model versions that tests train (also inside papermill kernels, which inherit the environment)
# must not land in the repository's models/ folder.
os.environ.setdefault("REDCAT_MODELS_DIR", tempfile.mkdtemp(prefix="redcat-test-models-"))
os.environ.setdefault("REDCAT_CACHE_DIR", tempfile.mkdtemp(prefix="redcat-test-cache-"))


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> Path:
    """A small simulated Red Cat world (contract tables + truth.json) for end-to-end tests."""
    from redcat.simulate import WorldConfig, simulate_world, write_world

    folder = tmp_path_factory.mktemp("world") / "small"
    write_world(simulate_world(WorldConfig(notes=4_000, seed=7)), folder)
    return folder


@pytest.fixture(scope="session")
def hostile_world(tmp_path_factory) -> Path:
    """A small world whose note titles and topics are hostile or Chinese text (cycled)."""
    from browser_harness import HOSTILE_TEXTS
    from redcat.simulate import WorldConfig, simulate_world, write_world

    world = simulate_world(WorldConfig(notes=3_500, seed=7))
    notes = world.tables["notes"]
    cycle = [HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)] for i in range(len(notes))]
    world.tables["notes"] = notes.assign(title=cycle, topic=cycle[1:] + cycle[:1])
    folder = tmp_path_factory.mktemp("world") / "hostile"
    write_world(world, folder)
    return folder
