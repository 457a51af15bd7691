"""redcat.simulate: a structural model of the Red Cat world, and its true effects.

`simulate_world(WorldConfig(...))` returns the contract's tables plus the truth computed from
both potential outcomes of the same simulated buyers; `write_world` puts them in a dataset
folder. The model, assumption by assumption, is in the docstrings of the modules, in the
order they run: timeline, merchants, creators, notes, links, curve, exposure, signals, buyers,
merchant_daily, truth.
"""

from redcat.simulate.config import WorldConfig
from redcat.simulate.world import SimulatedWorld, simulate_world
from redcat.simulate.writer import write_world

__all__ = ["SimulatedWorld", "WorldConfig", "simulate_world", "write_world"]
