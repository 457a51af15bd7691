"""The trained conversion model: two LightGBM boosters, a calibrator and the feature yardstick.

- `classifier`: P(at least one off-site order in W days), before calibration;
- `gmv_regressor`: expected off-site GMV in W days (Tweedie: most notes sell nothing, a few sell
  a lot, and the mean is what a budget decision needs);
- `calibrator`: the probability correction chosen on the validation notes (often the identity);
- `gmv_scale`: the GMV model's level correction, also from the validation notes;
- `reference`: the training notes' industry median prices (see redcat.features).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from redcat.engine import dask_path
from redcat.engine.cluster import current_client
from redcat.features import FeatureReference, festival_share
from redcat.modeling.calibration import Calibrator


class FeatureMismatch(ValueError):
    """The features handed to a model are not the ones it was trained on."""


@dataclass
class ConversionModel:
    classifier: lgb.Booster
    gmv_regressor: lgb.Booster
    calibrator: Calibrator
    reference: FeatureReference
    feature_names: list[str]
    horizon_hours: int
    window_days: int
    # The GMV model's correction in the large, fitted on the validation notes: observed total
    # GMV / predicted total (the level drifts with the season; the ranking does not).
    gmv_scale: float = 1.0
    info: dict[str, Any] = field(default_factory=dict)  # training window, params, iterations...

    def check_features(self, features: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in self.feature_names if c not in features.columns]
        if missing:
            raise FeatureMismatch("the data lacks features the model needs: " + ", ".join(missing))
        return features[self.feature_names]

    def raw_probability(self, features: pd.DataFrame) -> np.ndarray:
        return self.classifier.predict(self.check_features(features))

    def calendar(self, publish_time: pd.Series | None) -> np.ndarray | None:
        """The calibrator's calendar input (festival share of each note's window), if it needs one."""
        if not self.calibrator.needs_calendar:
            return None
        if publish_time is None:
            raise FeatureMismatch(
                "the model's calibration needs each note's publish_time (festival calendar)"
            )
        return festival_share(publish_time, self.window_days)

    def predict(
        self, features: pd.DataFrame, publish_time: pd.Series | None = None
    ) -> pd.DataFrame:
        """p_offsite (calibrated) and expected_offsite_gmv (¥), indexed like `features`.

        `publish_time` (aligned with `features`' rows) is needed when the calibrator uses the
        festival calendar (model.calibrator.needs_calendar).
        """
        x = self.check_features(features)
        client = current_client()
        if client is None:
            raw_p, raw_gmv = self.classifier.predict(x), self.gmv_regressor.predict(x)
        else:  # a run on a Dask cluster: each partition is scored on a worker
            raw_p = dask_path.predict(self.classifier, x, client)
            raw_gmv = dask_path.predict(self.gmv_regressor, x, client)
        p = self.calibrator.apply(raw_p, self.calendar(publish_time))
        gmv = self.gmv_scale * raw_gmv
        return pd.DataFrame({"p_offsite": p, "expected_offsite_gmv": gmv}, index=features.index)

    def probability(
        self, features: pd.DataFrame, publish_time: pd.Series | None = None
    ) -> np.ndarray:
        """Calibrated P(at least one off-site order) alone: `predict` without the GMV booster,
        for the many what-if predictions of partial dependence (on this machine, local)."""
        return self.calibrator.apply(self.raw_probability(features), self.calendar(publish_time))

    def contributions(self, features: pd.DataFrame) -> pd.DataFrame:
        """LightGBM's own per-note contributions to the log-odds (before calibration).

        Columns: one per feature plus `baseline` (the expected log-odds); each row sums to the
        note's raw log-odds.
        """
        x = self.check_features(features)
        values = self.classifier.predict(x, pred_contrib=True)
        return pd.DataFrame(values, index=features.index, columns=[*self.feature_names, "baseline"])
