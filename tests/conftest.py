"""Shared fixtures: a small simulated world, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> Path:
    """A small simulated Red Cat world (contract tables + truth.json) for end-to-end tests."""
    from redcat.simulate import WorldConfig, simulate_world, write_world

    folder = tmp_path_factory.mktemp("world") / "small"
    write_world(simulate_world(WorldConfig(notes=4_000, seed=7)), folder)
    return folder
