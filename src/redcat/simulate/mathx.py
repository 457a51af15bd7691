"""Small numeric helpers shared by the simulator's modules, and the string ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    return np.log(p / (1.0 - p))


def make_ids(prefix: str, n: int) -> pa.Array:
    """'<prefix>0001'... : n unique ids, zero-padded to one width so they sort as they number."""
    width = len(str(max(n, 1)))
    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, padding="0"), "")
