"""What the conversion model predicts: each note's off-site orders in its attribution window.

A note's target is its off-site orders (link and search channels) placed within W days of
publishing, i.e. in [publish_time, publish_time + W), as reported back by the run's as-of
instant. Partner data report orders with a delay, so a note whose window closed yesterday still
has orders on the way: counting it as "no order" would teach the model that recent notes do not
sell. A note is *mature* only when its window plus the usual reporting lag has passed; immature
notes stay out of training and evaluation (they are scored, not learned from), and
`maturity_summary` says how many there were.

The usual lag is a high quantile of the reporting delays seen in the data, measured on orders
old enough that even slow reports have arrived (a lag measured on recent orders alone is biased
short, because their slow reports are not in yet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LAG_QUANTILE = 0.99  # "usual" reporting lag: 99% of orders are reported within it
# Orders placed within this multiple of the first-pass lag before as_of are too recent to
# measure the lag on: their slow reports may not have arrived.
LAG_SETTLE_FACTOR = 3.0
DEFAULT_LAG = pd.Timedelta(days=3)  # when the data hold too few orders to measure it
MIN_ORDERS_FOR_LAG = 50


@dataclass(frozen=True)
class Targets:
    """Per-note targets (index note_id) and how the maturity rule was applied."""

    frame: (
        pd.DataFrame
    )  # columns: has_offsite, offsite_orders, link/search orders, offsite_gmv, mature
    reporting_lag: pd.Timedelta
    window_days: int
    as_of: pd.Timestamp

    @property
    def mature(self) -> pd.Series:
        return self.frame["mature"]


def reporting_lag(
    offsite_orders: pd.DataFrame, as_of: pd.Timestamp, quantile: float = LAG_QUANTILE
) -> pd.Timedelta:
    """The delay within which `quantile` of off-site orders are reported back."""
    seen = offsite_orders[offsite_orders["reported_time"] <= as_of]
    if len(seen) < MIN_ORDERS_FOR_LAG:
        return DEFAULT_LAG
    delay = seen["reported_time"] - seen["order_time"]
    first = delay.quantile(quantile)
    settled = delay[
        seen["order_time"] <= as_of - LAG_SETTLE_FACTOR * max(first, pd.Timedelta(hours=1))
    ]
    lag = settled.quantile(quantile) if len(settled) >= MIN_ORDERS_FOR_LAG else first
    # Round up to whole hours: a lag is used as a safety margin, so err on the late side.
    return pd.Timedelta(hours=float(np.ceil(lag / pd.Timedelta(hours=1))))


def build_targets(
    notes: pd.DataFrame,
    offsite_orders: pd.DataFrame,
    *,
    window_days: int,
    as_of: pd.Timestamp,
    lag: pd.Timedelta | None = None,
) -> Targets:
    """Targets for every note published by `as_of` (index note_id, in `notes` order)."""
    lag = reporting_lag(offsite_orders, as_of) if lag is None else lag
    window = pd.Timedelta(days=window_days)
    seen_notes = notes[notes["publish_time"] <= as_of]
    publish = pd.Series(
        seen_notes["publish_time"].to_numpy(), index=seen_notes["note_id"].astype(str)
    )

    orders = offsite_orders[offsite_orders["reported_time"] <= as_of]
    published = orders["note_id"].astype(str).map(publish)
    in_window = (
        published.notna()
        & (orders["order_time"] >= published)
        & (orders["order_time"] < published + window)
    )
    orders = orders[in_window.to_numpy()]
    by_note = orders.groupby(orders["note_id"].astype(str))
    counts = by_note.size()
    link = orders["channel"].eq("link").groupby(orders["note_id"].astype(str)).sum()
    gmv = by_note["gmv"].sum()

    index = publish.index
    frame = pd.DataFrame(index=pd.Index(index, name="note_id"))
    frame["offsite_orders"] = counts.reindex(index, fill_value=0).astype("int64").to_numpy()
    frame["link_orders"] = link.reindex(index, fill_value=0).astype("int64").to_numpy()
    frame["search_orders"] = frame["offsite_orders"] - frame["link_orders"]
    frame["offsite_gmv"] = gmv.reindex(index, fill_value=0.0).astype("float64").to_numpy()
    frame["has_offsite"] = (frame["offsite_orders"] > 0).astype("int8")
    frame["mature"] = (publish + window + lag <= as_of).to_numpy()
    return Targets(frame=frame, reporting_lag=lag, window_days=window_days, as_of=as_of)


def maturity_summary(targets: Targets) -> dict[str, object]:
    """How many notes could be learned from, and how many were held back as immature."""
    frame = targets.frame
    mature = frame["mature"]
    return {
        "notes_published": int(len(frame)),
        "mature": int(mature.sum()),
        "immature": int((~mature).sum()),
        "reporting_lag_hours": float(targets.reporting_lag / pd.Timedelta(hours=1)),
        "window_days": targets.window_days,
        "positive_rate_mature": float(frame.loc[mature, "has_offsite"].mean())
        if mature.any()
        else float("nan"),
    }
