"""DoubleML's one-way cluster variance, vectorized.

DoubleML (0.10) computes the cluster-robust variance of a score in a Python loop that scans
every row once per cluster: O(rows × clusters) per call. Its sensitivity analysis calls it a
few hundred times (a root search for the robustness values), so on the default world (about
10,000 notes of 2,800 merchants) the in-app and off-site sensitivity took 15-19 s of notebook
03's minute. Σ_{i,j in cluster} ψ_i ψ_j = (Σ_{i in cluster} ψ_i)², so the same number comes from
one sum per cluster: `fast_cluster_variance()` swaps this version in while DoubleML runs and
puts the library's back afterwards. Anything else (two-way clusters, no clusters,
multi-dimensional scores) still goes to DoubleML's own code. tests/test_causal_dml.py checks
that both give the same variance.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
from doubleml import double_ml, double_ml_framework
from doubleml.utils import _estimation

from ._quiet import quiet

_LIBRARY_VAR_EST = _estimation._var_est
_PATCHED_MODULES = (double_ml, double_ml_framework)


def var_est(
    psi: np.ndarray,
    psi_deriv: np.ndarray,
    smpls: list,
    is_cluster_data: bool,
    cluster_vars: np.ndarray | None = None,
    smpls_cluster: list | None = None,
    n_folds_per_cluster: int | None = None,
) -> tuple[Any, Any]:
    """Same signature and result as doubleml.utils._estimation._var_est."""
    one_way = (
        is_cluster_data
        and cluster_vars is not None
        and cluster_vars.shape[1] == 1
        and np.ndim(psi) == 1
        and smpls_cluster is not None
        and n_folds_per_cluster is not None
    )
    if not one_way:
        return _LIBRARY_VAR_EST(
            psi, psi_deriv, smpls, is_cluster_data, cluster_vars, smpls_cluster, n_folds_per_cluster
        )
    clusters, codes = np.unique(cluster_vars[:, 0], return_inverse=True)
    totals_squared = np.bincount(codes, weights=psi, minlength=len(clusters)) ** 2
    gamma_hat = 0.0
    j_hat = 0.0
    for (_, test_inds), (_, test_clusters) in zip(smpls, smpls_cluster, strict=True):
        fold_clusters = test_clusters[0]
        fold_codes = np.searchsorted(clusters, fold_clusters)
        gamma_hat += totals_squared[fold_codes].sum() / len(fold_clusters)
        j_hat += np.sum(psi_deriv[test_inds]) / len(fold_clusters)
    var_scaling_factor = len(clusters)
    j = j_hat / n_folds_per_cluster
    gamma_hat = gamma_hat / n_folds_per_cluster
    return gamma_hat / (var_scaling_factor * j**2), var_scaling_factor


@contextlib.contextmanager
def fast_cluster_variance() -> Iterator[None]:
    """Use `var_est` in DoubleML for the duration of the block."""
    saved = [module._var_est for module in _PATCHED_MODULES]
    for module in _PATCHED_MODULES:
        module._var_est = var_est
    try:
        yield
    finally:
        for module, original in zip(_PATCHED_MODULES, saved, strict=True):
            module._var_est = original


@contextlib.contextmanager
def running_doubleml(logger: logging.Logger) -> Iterator[list[str]]:
    """DoubleML with its chatter caught (`quiet`, yields the warnings) and the vectorized
    cluster variance in place: how every redcat call into DoubleML runs."""
    with quiet(logger, "doubleml") as messages, fast_cluster_variance():
        yield messages
