"""One conversion study for a run: features → targets → split → models → evaluation.

`run_conversion_study` is the single entry point the report (and the benchmark) calls. It
takes the loaded data and the run's parameters and returns every number and table the report
shows, with no plotting and no files: saving the model is redcat.modeling.artifacts' job.

Which notes take part, as of the run's instant `as_of`:
- notes whose H hours have not passed yet have no final features: left out;
- *mature* notes (window + usual reporting lag over) are split by publish time into train /
  valid / test;
- the rest (features final, window still open) are *live*: scored, never learned from.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from redcat.features import FeatureReference, FeatureTables, build_features, features_complete
from redcat.modeling.baselines import PriorRate, fit_logistic_baseline, predict_logistic
from redcat.modeling.calibration import ece_interval, ece_noise_floor, expected_calibration_error
from redcat.modeling.evaluate import (
    calibration_curves,
    compare_scorers,
    gains_curve,
    gains_table,
    metrics_by_group,
)
from redcat.modeling.model import ConversionModel
from redcat.modeling.split import LIVE, TEST, TRAIN, VALID, time_split
from redcat.modeling.train import TrainSettings, train_conversion_model
from redcat.targets import Targets, build_targets, maturity_summary

log = logging.getLogger(__name__)

MODEL, PRIOR, LOGISTIC, ORACLE, HINDSIGHT, RANDOM = (
    "lightgbm",
    "prior_rate",
    "logistic",
    "oracle",
    "hindsight",
    "random",
)
MIN_MATURE_NOTES = 200  # below this a time split leaves too few notes to learn or to test


class NotEnoughData(ValueError):
    """Too few mature notes to train and test a model honestly."""


@dataclass
class ConversionStudy:
    as_of: pd.Timestamp
    window_days: int
    horizon_hours: int
    seed: int
    targets: Targets
    split: pd.Series  # train / valid / test / live, index note_id (notes with final features)
    publish_time: pd.Series  # index note_id, the same notes as `split`
    model: ConversionModel
    test: pd.DataFrame  # per test note: outcomes, industry, every scorer's prediction
    live: pd.DataFrame  # per live note: p_offsite, expected_offsite_gmv
    metrics: pd.DataFrame  # one row per scorer
    gains: pd.DataFrame  # GMV captured by the top 5/10/20%, per ranking
    gains_curves: pd.DataFrame  # share_of_notes, share_of_gmv, ranking
    calibration: pd.DataFrame  # calibration bins per scorer
    by_industry: pd.DataFrame
    features: pd.DataFrame  # features of the test notes (for the drivers section)
    has_oracle: bool
    counts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    # How much of the model's ECE is sampling noise: see `calibration_check`.
    ece_check: dict[str, float] = field(default_factory=dict)

    def metric(self, scorer: str, name: str) -> float:
        row = self.metrics.loc[self.metrics["scorer"] == scorer]
        return float(row[name].iloc[0]) if len(row) else float("nan")

    def predictions(self) -> pd.DataFrame:
        """note_id, p_offsite, expected_offsite_gmv, split: test notes, then live notes."""
        test = self.test[["note_id", MODEL, "expected_offsite_gmv"]].rename(
            columns={MODEL: "p_offsite"}
        )
        frames = [test.assign(split=TEST), self.live.assign(split=LIVE)]
        out = pd.concat(frames, ignore_index=True)
        return out[["note_id", "p_offsite", "expected_offsite_gmv", "split"]]


def _oracle_columns(note_truth: pd.DataFrame | None) -> pd.DataFrame | None:
    if note_truth is None or "p_offsite_true" not in note_truth.columns:
        return None
    keep = ["note_id", "p_offsite_true"]
    if "expected_offsite_gmv_true" in note_truth.columns:
        keep.append("expected_offsite_gmv_true")
    return note_truth[keep].assign(note_id=note_truth["note_id"].astype(str)).set_index("note_id")


def run_conversion_study(
    data,
    *,
    as_of: pd.Timestamp,
    window_days: int,
    horizon_hours: int,
    seed: int,
    note_truth: pd.DataFrame | None = None,
    settings: TrainSettings | None = None,
    num_threads: int = 2,
) -> ConversionStudy:
    """Train, evaluate and compare the conversion model on `data` as seen at `as_of`.

    `settings` default to `TrainSettings.for_training_notes` (adapted to the data's size) with
    the run's seed and `num_threads`.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    notes = data.notes[data.notes["publish_time"] <= as_of]
    ready = features_complete(notes, horizon_hours, as_of).to_numpy()
    targets = build_targets(notes, data.offsite_orders, window_days=window_days, as_of=as_of)
    note_ids = notes["note_id"].astype(str).to_numpy()
    mature = targets.frame["mature"].reindex(note_ids).to_numpy() & ready
    if mature.sum() < MIN_MATURE_NOTES:
        raise NotEnoughData(
            f"only {int(mature.sum())} notes have a complete {window_days}-day window by "
            f"{as_of:%Y-%m-%d}; at least {MIN_MATURE_NOTES} are needed to train and test"
        )
    publish = pd.Series(notes["publish_time"].to_numpy(), index=note_ids)
    split = pd.Series(LIVE, index=note_ids[ready], name="split", dtype=object)
    split[note_ids[mature]] = time_split(publish[mature])

    train_notes = notes[(split.reindex(note_ids) == TRAIN).to_numpy()]
    reference = FeatureReference.fit(train_notes, data.merchants)
    scoped = FeatureTables.of(data, notes[ready])
    features = build_features(scoped, horizon_hours, reference)
    timings["features"] = time.perf_counter() - clock

    y_frame = targets.frame.reindex(features.index)
    if settings is None:
        settings = TrainSettings.for_training_notes(
            int((split == TRAIN).sum()), seed=seed, num_threads=num_threads
        )
    clock = time.perf_counter()
    model = train_conversion_model(
        features[(split != LIVE).to_numpy()],
        y_frame[(split != LIVE).to_numpy()],
        split[split != LIVE],
        reference=reference,
        horizon_hours=horizon_hours,
        window_days=window_days,
        settings=settings,
        publish_time=publish,
    )
    timings["train"] = time.perf_counter() - clock

    clock = time.perf_counter()
    is_train, is_test = (split == TRAIN).to_numpy(), (split == TEST).to_numpy()
    y_train = y_frame["has_offsite"].to_numpy()[is_train]
    x_test = features[is_test]
    prior = PriorRate.fit(y_train)
    logistic = fit_logistic_baseline(features[is_train], y_train, seed=seed)
    timings["baselines"] = time.perf_counter() - clock

    clock = time.perf_counter()
    predicted = model.predict(x_test, publish[x_test.index])
    industry = notes.set_index(note_ids)["merchant_id"].map(
        data.merchants.set_index("merchant_id")["industry"]
    )
    test = pd.DataFrame(
        {
            "note_id": x_test.index.to_numpy(),
            "publish_time": publish[x_test.index].to_numpy(),
            "industry": industry[x_test.index].to_numpy(),
            "has_offsite": y_frame["has_offsite"].to_numpy()[is_test],
            "offsite_gmv": y_frame["offsite_gmv"].to_numpy()[is_test],
            MODEL: predicted["p_offsite"].to_numpy(),
            "expected_offsite_gmv": predicted["expected_offsite_gmv"].to_numpy(),
            PRIOR: prior.predict(x_test),
            LOGISTIC: predict_logistic(logistic, x_test),
        }
    )
    oracle = _oracle_columns(note_truth)
    has_oracle = oracle is not None and x_test.index.isin(oracle.index).all()
    if has_oracle:
        test[ORACLE] = oracle["p_offsite_true"].reindex(x_test.index).to_numpy()
        if "expected_offsite_gmv_true" in oracle.columns:
            test["oracle_gmv"] = (
                oracle["expected_offsite_gmv_true"].reindex(x_test.index).to_numpy()
            )
    elif oracle is not None:
        log.warning("the truth file does not cover every test note: no oracle comparison")

    scorers = [MODEL, LOGISTIC, PRIOR] + ([ORACLE] if has_oracle else [])
    y_test = test["has_offsite"].to_numpy()
    gmv_test = test["offsite_gmv"].to_numpy()
    rankings = {MODEL: test["expected_offsite_gmv"].to_numpy()}
    if "oracle_gmv" in test.columns:
        rankings[ORACLE] = test["oracle_gmv"].to_numpy()
    rankings[HINDSIGHT] = gmv_test
    # "Random" = no ranking at all: publish order (deterministic, unrelated to sales).
    rankings[RANDOM] = np.zeros(len(test))

    live_x = features[(split == LIVE).to_numpy()]
    live = model.predict(live_x, publish[live_x.index]).rename_axis("note_id").reset_index()
    timings["evaluate"] = time.perf_counter() - clock

    counts = {
        **maturity_summary(targets),
        # Learned from = mature *and* past H (only differs when H exceeds W plus the lag).
        "mature": int(mature.sum()),
        "immature": int(len(note_ids) - mature.sum()),
        "features_not_final": int((~ready).sum()),
        **{f"{name}_notes": int((split == name).sum()) for name in (TRAIN, VALID, TEST, LIVE)},
        "test_period": (str(test["publish_time"].min()), str(test["publish_time"].max())),
        # The GMV model's calibration in the large: what it expected of the test notes, in ¥.
        "test_gmv_expected": float(test["expected_offsite_gmv"].sum()),
        "test_gmv_observed": float(gmv_test.sum()),
    }
    study = ConversionStudy(
        as_of=as_of,
        window_days=window_days,
        horizon_hours=horizon_hours,
        seed=seed,
        targets=targets,
        split=split,
        publish_time=publish[split.index],
        model=model,
        test=test,
        live=live,
        metrics=compare_scorers(y_test, {s: test[s].to_numpy() for s in scorers}),
        gains=gains_table(gmv_test, rankings),
        gains_curves=pd.concat(
            [gains_curve(gmv_test, score).assign(ranking=name) for name, score in rankings.items()],
            ignore_index=True,
        ),
        calibration=calibration_curves(y_test, {s: test[s].to_numpy() for s in scorers}),
        by_industry=metrics_by_group(
            test["industry"], y_test, {s: test[s].to_numpy() for s in scorers if s != PRIOR}
        ),
        features=x_test,
        has_oracle=bool(has_oracle),
        counts=counts,
        timings={k: round(v, 3) for k, v in {**timings, **model_timings(model)}.items()},
        ece_check=calibration_check(test, seed),
    )
    log.info(
        "conversion study: test AUC %.4f (oracle %s) on %d notes",
        study.metric(MODEL, "auc"),
        f"{study.metric(ORACLE, 'auc'):.4f}" if has_oracle else "n/a",
        len(test),
    )
    return study


def calibration_check(test: pd.DataFrame, seed: int) -> dict[str, float]:
    """The model's ECE beside what sampling noise alone would give on the same test notes.

    - ece, ece_low, ece_high: the model's ECE and its 90% bootstrap interval;
    - ece_noise_floor: the mean ECE of perfectly calibrated probabilities on this many notes
      (outcomes drawn from the model's own predictions): no truth needed;
    - on simulated data, the oracle's (true probabilities') ECE and interval on the same notes,
      and ece_vs_truth: the model's ECE with the true probabilities in place of the outcomes,
      i.e. its miscalibration with the outcome noise taken out.
    """
    y, p = test["has_offsite"].to_numpy(), test[MODEL].to_numpy()
    low, high = ece_interval(y, p, seed=seed)
    out = {
        "ece": expected_calibration_error(y, p),
        "ece_low": low,
        "ece_high": high,
        "ece_noise_floor": ece_noise_floor(p, seed=seed),
    }
    if ORACLE in test.columns:
        truth = test[ORACLE].to_numpy()
        low, high = ece_interval(y, truth, seed=seed)
        out.update(
            oracle_ece=expected_calibration_error(y, truth),
            oracle_ece_low=low,
            oracle_ece_high=high,
            ece_vs_truth=expected_calibration_error(truth, p),
        )
    return {k: round(float(v), 5) for k, v in out.items()}


def model_timings(model: ConversionModel) -> dict[str, float]:
    return {"train_boosters": float(model.info.get("train_seconds", float("nan")))}
