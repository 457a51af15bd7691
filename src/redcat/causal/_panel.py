"""Turn a user's panel into the integer-coded, balanced panel the DiD estimators need.

- Time: dates become day numbers (period="day") or week numbers (period="week", weeks counted
  from the panel's first day); integer periods are kept as given (shifted to start at 1), or
  binned by 7 with period="week". period="auto" means weeks for dates, as given for integers.
  A unit's `first_treated` is coded on the same scale; missing (NaN/NaT/None) or 0 means never
  treated.
- Weekly outcomes are the unit's mean over its days in that week (effects stay "per day").
  The week containing a unit's first treated day is its first treated week, so the baseline
  week before it is fully untreated. That week is only partly treated: `_f` records the share
  of treated days in each unit-period, and the estimators divide by the average share so the
  effect is per treated day, not diluted by the untreated days of the first week.
- Units treated at or before the first period have no pre-period: dropped (reported). Units first
  treated after the last period are never treated within the panel (reported).
- Cohorts (units sharing a first treated period) smaller than `min_cohort_size` are dropped,
  not merged: moving a unit to a neighbouring cohort would misdate its treatment and put treated
  periods in a baseline. Weekly periods are the principled merge: they pool nearby start days.
- Covariates are frozen at each unit's first period, which precedes every unit's treatment:
  a covariate the treatment moves later cannot leak into the comparison.
- Calendar effects (e.g. a 618-festival indicator) must be the same for every unit at a given
  time; a column that varies across units is a time-varying covariate, not a calendar effect.
- Unit weights (optional) must be positive, finite and constant within each unit; they are
  scaled to mean 1 over units (`_w`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._checks import (
    as_list,
    require_choice,
    require_columns,
    require_frame,
    require_int,
    require_numeric,
)
from ._design import design_matrix

PERIODS = ("auto", "day", "week")


@dataclass
class PreparedPanel:
    """A balanced panel with integer codes: _unit (1..N), _t (1..T), _g (0 = never), _y,
    _f (share of treated days in the unit-period), _ysum_post and _days_post (outcome sum and
    count over treated days, for the relative effect)."""

    data: pd.DataFrame
    covariates: list[str]
    calendar: dict[str, str]
    cluster: str | None
    period_starts: dict[int, str]
    notes: dict[str, Any] = field(default_factory=dict)
    weights: str | None = None  # "_w" when unit weights were given

    def unit_weights(self, units: np.ndarray) -> np.ndarray:
        """Each listed unit's weight (1 without weights), in the order given."""
        if self.weights is None:
            return np.ones(len(units))
        w = self.data.groupby("_unit")[self.weights].first()
        return w.loc[units].to_numpy(dtype=float)

    @property
    def n_units(self) -> int:
        return int(self.data["_unit"].nunique())


@dataclass
class _TimeCoding:
    t: np.ndarray  # period of each row
    g: np.ndarray  # first treated period of the row's unit (0 = never)
    treated_now: np.ndarray  # the row's own (fine) time is on/after first_treated
    starts: dict[int, str]  # label of each period's first day or first integer
    dated: bool


def _is_datetime_like(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    if series.dtype == object:
        sample = series.dropna().head(20)
        return len(sample) > 0 and all(hasattr(v, "isoformat") for v in sample)
    return False


def _code_dates(panel: pd.DataFrame, time: str, first_treated: str, width: int) -> _TimeCoding:
    days = pd.to_datetime(panel[time]).dt.normalize()
    if days.isna().any():
        raise ValueError(f"time column '{time}' has missing dates")
    raw_g = panel[first_treated]
    if pd.api.types.is_numeric_dtype(raw_g):
        if (raw_g.fillna(0) != 0).any():
            raise ValueError(
                f"first_treated column '{first_treated}' must hold dates like time column "
                f"'{time}' (missing for never-treated units)"
            )
        g_days = pd.Series(pd.NaT, index=panel.index, dtype="datetime64[ns]")
    else:
        try:
            g_days = pd.to_datetime(raw_g).dt.normalize()
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"first_treated column '{first_treated}' must hold dates: {exc}"
            ) from exc
    origin = days.min()
    day_index = (days - origin).dt.days.to_numpy()
    has_g = g_days.notna().to_numpy()
    g_index = (g_days - origin).dt.days.to_numpy(dtype=float)
    t = (day_index // width + 1).astype(np.int64)
    g = np.where(has_g, np.floor(np.nan_to_num(g_index) / width) + 1, 0).astype(np.int64)
    starts = {
        int(k): (origin + pd.Timedelta(days=int((k - 1) * width))).date().isoformat()
        for k in np.unique(t)
    }
    treated_now = has_g & (day_index >= np.nan_to_num(g_index, nan=np.inf))
    return _TimeCoding(t, g, treated_now, starts, dated=True)


def _code_integers(panel: pd.DataFrame, time: str, first_treated: str, width: int) -> _TimeCoding:
    if not pd.api.types.is_numeric_dtype(panel[time]):
        raise ValueError(f"time column '{time}' must be dates or integer periods")
    t_raw = panel[time].to_numpy(dtype=float)
    if np.isnan(t_raw).any() or not np.all(t_raw == np.round(t_raw)):
        raise ValueError(f"time column '{time}' must be whole numbers without missing values")
    raw_g = panel[first_treated]
    if not pd.api.types.is_numeric_dtype(raw_g):
        raise ValueError(
            f"first_treated column '{first_treated}' must be integer periods like time column "
            f"'{time}' (missing or 0 for never-treated units)"
        )
    g_raw = raw_g.to_numpy(dtype=float, na_value=np.nan)
    has_g = ~np.isnan(g_raw) & (g_raw != 0)
    if not np.all(g_raw[has_g] == np.round(g_raw[has_g])):
        raise ValueError(f"first_treated column '{first_treated}' must hold whole periods")
    origin = t_raw.min()
    t = ((t_raw - origin) // width + 1).astype(np.int64)
    g = np.where(has_g, np.floor((np.nan_to_num(g_raw) - origin) / width) + 1, 0).astype(np.int64)
    starts = {int(k): str(int(origin + (k - 1) * width)) for k in np.unique(t)}
    treated_now = has_g & (t_raw >= np.where(has_g, g_raw, np.inf))
    return _TimeCoding(t, g, treated_now, starts, dated=False)


def _validate_columns(panel, unit, time, outcome, first_treated, covariates, calendar, cluster):
    require_frame(panel, "panel")
    require_columns(panel, [unit], "unit")
    require_columns(panel, [time], "time")
    require_columns(panel, [outcome], "outcome")
    require_columns(panel, [first_treated], "first_treated")
    require_columns(panel, covariates, "covariate")
    require_columns(panel, calendar, "calendar effect")
    if cluster is not None and cluster != unit:
        require_columns(panel, [cluster], "cluster")
    if panel[unit].isna().any():
        raise ValueError(f"unit column '{unit}' has missing values")
    duplicated = panel.duplicated([unit, time])
    if duplicated.any():
        raise ValueError(
            f"{int(duplicated.sum())} duplicate (unit, time) rows in columns '{unit}', '{time}'"
        )
    for col in calendar:
        require_numeric(panel, col, "calendar effect")


def _drop_and_describe(frame: pd.DataFrame, starts: dict, min_cohort_size: int, notes: dict):
    """Drop always-treated units and small cohorts; recode late-treated units as never."""
    t_min, t_max = int(frame["_t"].min()), int(frame["_t"].max())
    unit_g = frame.groupby("_unit")["_g"].first()
    always = unit_g[(unit_g > 0) & (unit_g <= t_min)].index
    late = unit_g[unit_g > t_max].index
    notes["dropped_always_treated_units"] = len(always)
    notes["treated_after_panel_end_units"] = len(late)
    late_rows = frame["_unit"].isin(late)
    frame.loc[late_rows, "_g"] = 0
    frame.loc[late_rows, ["_f", "_ysum_post", "_days_post"]] = 0.0
    frame = frame[~frame["_unit"].isin(always)]

    sizes = frame.groupby("_unit")["_g"].first().value_counts()
    small = sizes[(sizes.index > 0) & (sizes < min_cohort_size)]
    notes["dropped_small_cohorts"] = {starts.get(int(k), str(k)): int(v) for k, v in small.items()}
    notes["dropped_small_cohort_units"] = int(small.sum())
    return frame[~frame["_g"].isin(small.index)]


def prepare_panel(
    panel: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    first_treated: str,
    *,
    covariates=None,
    calendar_effects=None,
    cluster: str | None = None,
    min_cohort_size: int = 3,
    period: str = "auto",
    weights: str | None = None,
) -> PreparedPanel:
    """Validate and code a panel (see the module docstring for every rule applied)."""
    covariates, calendar_effects = as_list(covariates), as_list(calendar_effects)
    _validate_columns(
        panel, unit, time, outcome, first_treated, covariates, calendar_effects, cluster
    )
    require_choice(period, "period", PERIODS)
    require_int(min_cohort_size, "min_cohort_size", 1)
    y = require_numeric(panel, outcome, "outcome")
    if weights is not None:
        require_columns(panel, [weights], "weights")
        w = require_numeric(panel, weights, "weights")
        if not (np.isfinite(w).all() and (w > 0).all()):
            raise ValueError(f"weights column '{weights}' must be positive and finite in every row")

    dated = _is_datetime_like(panel[time])
    if period == "auto":
        period = "week" if dated else "day"
    width = 7 if period == "week" else 1
    coding = (_code_dates if dated else _code_integers)(panel, time, first_treated, width)
    unit_codes, unit_labels = pd.factorize(panel[unit], sort=True)
    treated_now = coding.treated_now.astype(float)
    frame = pd.DataFrame(
        {
            "_unit": unit_codes + 1,
            "_t": coding.t,
            "_g": coding.g,
            "_y": y,
            "_f": treated_now,
            "_ysum_post": y * treated_now,
            "_days_post": treated_now,
        }
    )
    per_unit_g = frame.groupby("_unit")["_g"].nunique()
    if (per_unit_g > 1).any():
        example = unit_labels[int(per_unit_g[per_unit_g > 1].index[0]) - 1]
        raise ValueError(
            f"first_treated column '{first_treated}' varies within unit {example!r}: "
            "it must be one value per unit"
        )

    if weights is not None:
        frame["_w"] = w
        if (frame.groupby("_unit")["_w"].nunique() > 1).any():
            raise ValueError(
                f"weights column '{weights}' varies within a unit: give one weight per unit"
            )
    x_cols: list[str] = []
    if covariates:
        matrix, _ = design_matrix(panel, covariates, (), drop_first=True)
        if matrix.isna().any().any():
            bad = [c for c in covariates if panel[c].isna().any()]
            raise ValueError(f"covariate column(s) {bad} have missing values")
        # Constant columns would be collinear with the intercept; standardizing leaves the DR
        # fit (logit + OLS) unchanged and helps it converge at any scale.
        matrix = matrix.loc[:, matrix.std(ddof=0) > 0]
        matrix = (matrix - matrix.mean()) / matrix.std(ddof=0)
        x_cols = [f"_x{i}" for i in range(matrix.shape[1])]
        frame[x_cols] = matrix.to_numpy(dtype=float)
    calendar = {col: f"_cal{i}" for i, col in enumerate(calendar_effects)}
    for col, internal in calendar.items():
        frame[internal] = panel[col].astype(float).to_numpy()
    if cluster is not None and cluster != unit:
        frame["_cluster"] = pd.factorize(panel[cluster])[0]
        if (frame.groupby("_unit")["_cluster"].nunique() > 1).any():
            raise ValueError(f"cluster column '{cluster}' varies within a unit; units must nest")

    # One row per unit and period (a no-op for daily or integer periods).
    aggregations = {"_g": "first", "_y": "mean", "_f": "mean", "_ysum_post": "sum"}
    aggregations |= {"_days_post": "sum"} | {c: "first" for c in x_cols}
    aggregations |= {c: "mean" for c in calendar.values()}
    if "_cluster" in frame:
        aggregations["_cluster"] = "first"
    if "_w" in frame:
        aggregations["_w"] = "first"
    frame = frame.sort_values(["_unit", "_t"]).groupby(["_unit", "_t"], as_index=False)
    frame = frame.agg(aggregations)
    if x_cols:  # frozen at each unit's first period (before anyone's treatment)
        frame[x_cols] = frame.groupby("_unit")[x_cols].transform("first")
    for col, internal in calendar.items():
        if (frame.groupby("_t")[internal].nunique() > 1).any():
            raise ValueError(
                f"calendar effect '{col}' differs between units at the same time: a calendar "
                "effect must be common to all units (pass unit-specific variables as covariates)"
            )

    time_unit = {("day", True): "daily", ("week", True): "weekly"}.get(
        (period, dated), "integer" if period == "day" else "7-period"
    )
    notes: dict[str, Any] = {
        "period": period,
        "time_unit": time_unit,
        "n_periods": int(frame["_t"].nunique()),
    }
    frame = _drop_and_describe(frame, coding.starts, min_cohort_size, notes)

    counts = frame.groupby("_unit")["_t"].nunique()
    n_periods = frame["_t"].nunique()
    if (counts < n_periods).any():
        raise ValueError(
            f"the panel is unbalanced: {int((counts < n_periods).sum())} unit(s) miss some of the "
            f"{n_periods} periods; fill or drop them first"
        )
    cohorts = frame.groupby("_unit")["_g"].first()
    if not (cohorts > 0).any():
        raise ValueError(
            f"no treated units left in '{first_treated}' after dropping units treated before the "
            f"panel and cohorts smaller than min_cohort_size={min_cohort_size}"
        )
    if "_w" in frame:  # mean 1 over the units that remain
        frame["_w"] = frame["_w"] / frame.groupby("_unit")["_w"].first().mean()
    sizes = cohorts[cohorts > 0].value_counts().sort_index()
    notes["cohort_sizes"] = {coding.starts.get(int(k), str(k)): int(v) for k, v in sizes.items()}
    notes["n_treated_units"] = int((cohorts > 0).sum())
    notes["n_never_treated_units"] = int((cohorts == 0).sum())
    return PreparedPanel(
        data=frame.reset_index(drop=True),
        covariates=x_cols,
        calendar=calendar,
        cluster="_cluster" if "_cluster" in frame else None,
        period_starts=coding.starts,
        notes=notes,
        weights="_w" if "_w" in frame else None,
    )
