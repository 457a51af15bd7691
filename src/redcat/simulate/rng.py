"""Independent random streams, one per component (and per chunk of notes).

Each stream is `SeedSequence(seed, spawn_key=(component, *sub))`: what `SeedSequence.spawn`
would give, but addressed by name, so adding a component or changing the number of notes never
shifts the draws of another component. Chunked components address one stream per chunk of
notes, which is what lets chunks run on parallel threads and stay deterministic.
"""

from __future__ import annotations

import numpy as np

# Append only: the index of a name is part of every world simulated so far.
COMPONENTS = (
    "merchants",
    "creators",
    "notes",
    "links",
    "signals",
    "buyers",
    "merchant_daily",
    "reporting",
)


def stream(seed: int, component: str, *sub: int) -> np.random.Generator:
    """The generator of `component` (and of its chunk `sub`, if given) for this seed."""
    key = (COMPONENTS.index(component), *sub)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
