"""The off-site conversion model: train, evaluate, explain, save and score.

Modules: `split` (time-based split), `train` (LightGBM boosters, calibration), `baselines`,
`calibration`, `evaluate` (metrics, gains), `oracle` (truth of simulated data), `study` (one
run's whole pipeline), `drivers` (contributions, partial dependence), `artifacts` (versioned
model folders and model cards), `predict` (scoring saved models: `redcat score`).
"""

import os

# LightGBM's OpenMP threads busy-wait between parallel regions by default. On a machine shared
# with other work (a 2-core CI runner, pytest-xdist workers, a notebook beside other jobs) the
# spinning threads starve each other and a 1-second fit took 30 seconds in our measurements.
# Passive waiting costs nothing measurable when the machine is idle. It must be set before
# LightGBM's OpenMP runtime starts, hence here, before any submodule imports lightgbm; a value
# the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
