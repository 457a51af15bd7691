"""Causal estimators for the cannibalization question, all returning one `CausalResult`.

- `att_dml`: average effect on the treated, doubly robust and cross-fitted (DoubleML IRM,
  ATTE score, regularized LightGBM; optionally an exposure offset for money outcomes and an
  `outcome_pool` of units that could never be treated, which train the untreated-outcome
  model alone); `att_dml_ratio` / `ratio_of_effects`: the ratio of two such
  effects on the same units with a delta-method interval;
  `sensitivity_to_hidden_confounder`: how strong a hidden confounder would have to be to erase it.
- `staggered_did`: Callaway–Sant'Anna staggered DiD (csdid) with event study, pre-trend test and
  the naive `twfe_did` beside it; `event_study` returns a tidy table for plotting.
- `rdd`: sharp or fuzzy regression discontinuity (rdrobust, robust bias-corrected intervals, a
  rddensity manipulation test); `rdd_global_polynomial`: the global fit, for contrast.

The functions are generic: they take a DataFrame and column names, and know nothing of notes,
merchants or reports.
"""

from .did import event_study, staggered_did, twfe_did
from .dml import att_dml
from .learners import DEFAULT_LEARNER_PARAMS
from .ratio import att_dml_ratio, ratio_of_effects
from .rdd import rdd, rdd_global_polynomial
from .result import CausalResult, Influence
from .sensitivity import sensitivity_to_hidden_confounder

__all__ = [
    "DEFAULT_LEARNER_PARAMS",
    "CausalResult",
    "Influence",
    "att_dml",
    "att_dml_ratio",
    "event_study",
    "ratio_of_effects",
    "rdd",
    "rdd_global_polynomial",
    "sensitivity_to_hidden_confounder",
    "staggered_did",
    "twfe_did",
]
