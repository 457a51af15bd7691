"""The Dask path on a LocalCluster (two worker processes on loopback) equals the local path.

- features: identical, bit for bit (the workers select the observed daily rows, the client
  sums them in the canonical order);
- the conversion classifier trained with lightgbm.DaskLGBMClassifier across the two workers
  (data-parallel, so trees differ slightly from one machine's): test AUC within 0.02 and log
  loss within 0.01 of the single-machine model on the same notes;
- scoring partition by partition on the workers gives exactly the local predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from redcat.data import load_dataset
from redcat.engine import cluster
from redcat.engine.dask_path import fit_lgbm, predict
from redcat.features import SUMMED_SIGNALS, FeatureTables, build_features, daily_signals_by_cutoff
from redcat.notebook import resolve_as_of
from redcat.targets import build_targets

AUC_TOLERANCE = 0.02
LOG_LOSS_TOLERANCE = 0.01
PARAMS = {
    "n_estimators": 150,
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_child_samples": 40,
    "reg_lambda": 5.0,
    "random_state": 0,
    "deterministic": True,
    "force_row_wise": True,
    "verbosity": -1,
}

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit="1GiB",
        ) as local,
        distributed.Client(local, set_as_default=False) as dask_client,
    ):
        yield dask_client


@pytest.fixture(scope="module")
def world(small_world):
    return load_dataset(small_world)


def _uncached(world) -> FeatureTables:
    """The dataset's tables and folder, without a fingerprint (so nothing comes from the cache)."""
    tables = FeatureTables.of(world)
    return FeatureTables(
        tables.notes,
        tables.note_daily,
        tables.inapp_orders,
        tables.creators,
        tables.merchants,
        folder=world.folder,
    )


def test_dask_features_are_identical_to_the_local_ones(world, client):
    source = world.folder / "note_daily.parquet"
    local = daily_signals_by_cutoff(world.notes, world.note_daily, 72, engine="duckdb")
    cluster._active[0] = client
    try:
        on_dask = daily_signals_by_cutoff(
            world.notes, world.note_daily, 72, engine="dask", source=source
        )
        features_dask = build_features(_uncached(world), 72)  # "auto" picks the cluster
    finally:
        cluster._active[0] = None
    features_local = build_features(_uncached(world), 72)
    pd.testing.assert_frame_equal(on_dask, local, check_exact=True)
    pd.testing.assert_frame_equal(features_dask, features_local, check_exact=True)
    assert on_dask[list(SUMMED_SIGNALS)].to_numpy().sum() > 0


def test_dask_model_metrics_match_the_local_model(world, client):
    as_of = resolve_as_of("", world)
    targets = build_targets(world.notes, world.offsite_orders, window_days=14, as_of=as_of)
    features = build_features(_uncached(world), 72)
    frame = targets.frame.reindex(features.index)
    mature = frame["mature"].fillna(False).to_numpy(bool)
    x, y = features[mature], frame.loc[mature, "has_offsite"].to_numpy("int64")
    order = np.argsort(world.notes.set_index("note_id").loc[x.index, "publish_time"].to_numpy())
    train, test = order[: int(0.7 * len(order))], order[int(0.7 * len(order)) :]
    assert len(test) > 500 and 0.05 < y[test].mean() < 0.95

    local = fit_lgbm(x.iloc[train], y[train], {**PARAMS, "n_jobs": 2})
    dask = fit_lgbm(x.iloc[train], y[train], PARAMS, client=client)
    p_local = predict(local, x.iloc[test])
    p_dask = predict(dask, x.iloc[test], client=client)
    auc_local, auc_dask = roc_auc_score(y[test], p_local), roc_auc_score(y[test], p_dask)
    ll_local, ll_dask = log_loss(y[test], p_local), log_loss(y[test], p_dask)
    assert auc_local > 0.7
    assert abs(auc_dask - auc_local) <= AUC_TOLERANCE, (auc_local, auc_dask)
    assert abs(ll_dask - ll_local) <= LOG_LOSS_TOLERANCE, (ll_local, ll_dask)
    # Scoring on the workers is the same arithmetic as scoring here.
    np.testing.assert_array_equal(predict(dask, x.iloc[test]), p_dask)


def test_cluster_addresses_are_checked():
    assert cluster.connect("local") is None
    for bad in ("tcp://", "http://host:8786", "tcp://host", "tcp://host:99999", "localhost"):
        with pytest.raises(ValueError, match="Dask scheduler address"):
            cluster.check_cluster(bad)
    assert cluster.check_cluster("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"


def test_the_cluster_parameter_is_validated():
    from redcat.params import ParameterError, build_params

    assert build_params({}).cluster == "local"
    assert build_params({"cluster": "tcp://scheduler:8786"}).cluster == "tcp://scheduler:8786"
    with pytest.raises(ParameterError, match="parameter 'cluster'.*tcp://host:8786"):
        build_params({"cluster": "scheduler:8786"})


STUDY_AUC_TOLERANCE = 0.02  # test AUC, calibrated model: Dask study vs local study
STUDY_LOG_LOSS_TOLERANCE = 0.01


def test_a_conversion_study_on_the_cluster_matches_the_local_study(world, client):
    """With a client active the study trains both boosters with LightGBM's Dask estimators
    (all rounds, then cut at the early-stopping round on the validation notes) and scores on the
    workers; the test metrics stay within tolerance of the local study's."""
    from redcat.modeling.study import MODEL, run_conversion_study
    from redcat.modeling.train import TrainSettings

    as_of = resolve_as_of("", world)
    settings = TrainSettings(
        seed=0, learning_rate=0.1, max_rounds=300, early_stopping_rounds=30, num_threads=2
    )
    kwargs = {"as_of": as_of, "window_days": 14, "horizon_hours": 72, "seed": 0}
    local = run_conversion_study(world, settings=settings, **kwargs)
    cluster._active[0] = client
    try:
        on_dask = run_conversion_study(world, settings=settings, **kwargs)
    finally:
        cluster._active[0] = None
    assert local.metric(MODEL, "auc") > 0.7
    pd.testing.assert_series_equal(on_dask.split, local.split)  # same notes in each split
    for name, tolerance in (("auc", STUDY_AUC_TOLERANCE), ("logloss", STUDY_LOG_LOSS_TOLERANCE)):
        a, b = local.metric(MODEL, name), on_dask.metric(MODEL, name)
        assert abs(a - b) <= tolerance, (name, a, b)
    rounds = on_dask.model.info["classifier_rounds"]
    assert 1 <= rounds < settings.max_rounds  # cut at the early-stopping round, not all rounds
