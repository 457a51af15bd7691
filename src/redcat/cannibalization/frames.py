"""The three analysis frames: notes, merchant-days, and merchants around the ¥5,000 rule.

Every frame sees the data as a run on `as_of` would (the last visible instant): notes published,
orders placed and off-site orders *reported back* by then; enrolments after `as_of` are not
known yet. Definitions follow shared/data-contract.md.

- `build_note_frame`: one row per note whose window has closed by as_of. Treatment: linked
  within H hours of publishing. Outcomes: in-app and off-site GMV of orders placed within W days
  of publishing; off-site orders still on their way back from the partner are accounted for by
  weighting the reported ones (`redcat.cannibalization.reporting`). Covariates are fixed before
  any link could exist (merchant, creator, note, calendar); the early signals of the first H
  hours are built too, but whether they may be controls is decided by
  `redcat.cannibalization.controls`.
- `build_merchant_panel`: merchant_daily with each merchant's first treated day (enrolment), a
  618 indicator, and the merchant's pre-launch baseline for relative changes.
- `build_threshold_frame`: merchants meeting every first-wave rule except the spend rule, with
  the running variable (pre-launch daily spend − ¥5,000), enrolment and the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from redcat.cannibalization.reporting import ReportingDelay, estimate_reporting_delay
from redcat.causal._checks import require_int
from redcat.config import (
    CREATOR_TIERS,
    FESTIVAL_618,
    INDUSTRIES,
    LAUNCH_DATE,
    MIN_DAILY_AD_SPEND,
    MIN_FUNNEL_BUDGET,
    PRE_LAUNCH_SPEND_DAYS,
    WHITELIST_INDUSTRIES,
)
from redcat.features import daily_signals_by_cutoff
from redcat.overview import is_linked

log = logging.getLogger(__name__)

LAUNCH_DAY = pd.Timestamp(LAUNCH_DATE)
FESTIVAL_START = pd.Timestamp(FESTIVAL_618[0])
FESTIVAL_END = pd.Timestamp(FESTIVAL_618[1])  # inclusive: the festival's last day
DAY = pd.Timedelta(days=1)

# Daily signals of the first H hours: candidate controls, admitted only where the data show the
# link does not move them (redcat.cannibalization.controls). Each is tested, and may enter, as
# what it measures: the note's exposure (impressions) or a rate against another signal (reads
# per impression, saves per read...). Rates reveal quality, the trait links are chosen on, and
# do not decay with age. Boosting spend is no candidate: it is a budget decision a merchant
# takes together with the link (Red Cat brings brand budgets), so it cannot be a control.
EARLY_SIGNALS: dict[str, str | None] = {
    "impressions": None,
    "reads": "impressions",
    "search_impressions": "impressions",
    "likes": "reads",
    "collects": "reads",
    "comments": "reads",
    "shares": "reads",
}

# Who may be compared with linked notes:
#   "could_link": notes whose merchant had enrolled by publish_time + H, i.e. notes that could
#                 have been linked. Linked notes exist only there, and their comparison notes
#                 share the merchant's enrolment (and its budget decisions).
#   "all":        every mature note; unenrolled merchants' notes have propensity zero, so they
#                 only help the outcome model extrapolate (to the best notes, which under strong
#                 selection on quality are nearly all linked among could-link notes). With
#                 `extra_controls`, at most that many of them, a seeded random sample: which
#                 comparison notes are kept then depends on nothing but chance, so the ATT and
#                 the assumptions are unchanged; only the outcome model sees fewer examples.
POPULATIONS = ("could_link", "all")
# Notes linked later than H are neither "linked" (contract) nor link-free over their window.
#   "drop":    leave them out (the comparison notes never had a link in their window);
#   "control": keep them as comparison notes (the contrast is then "linked by H vs not by H").
LATE_LINK_RULES = ("drop", "control")

# The pre-link placebo (robustness.placebo_outcome; choice measured by
# benchmarks/explore_placebo.py). Each note linked at least PLACEBO_MIN_HOURS after publishing
# (by H or later) gets as window the hours before its link, at most H; each never-linked note a
# window drawn at random from those (`placebo_windows`). The outcome is log(1 + orders) in the
# window (`early_purchases`): orders, not GMV, so that electronics do not dominate the
# variance, and log(1 + ·) so that a few viral notes do not either; every one happened before
# the note's link, if it has one.
PLACEBO_MIN_HOURS = 2.0
PLACEBO_WINDOW = "placebo_hours"
PLACEBO_COLUMN = "placebo_log_orders"
TIER_ORDER = {tier: rank for rank, tier in enumerate(CREATOR_TIERS)}  # head = 0 ... amateur = 3
PRICE_BAND_EDGES = (0.0, 50.0, 150.0, 400.0, np.inf)  # ¥ list price
PRICE_BAND_LABELS = ("<50", "50-150", "150-400", "400+")


class TablesLike(Protocol):
    merchants: pd.DataFrame
    creators: pd.DataFrame
    notes: pd.DataFrame
    note_daily: pd.DataFrame
    inapp_orders: pd.DataFrame
    offsite_orders: pd.DataFrame
    merchant_daily: pd.DataFrame


# --- Notes --------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoteFrame:
    """One row per analysed note (index note_id) and what went into choosing them."""

    frame: pd.DataFrame
    pre_link_covariates: tuple[str, ...]
    early_signal_covariates: tuple[str, ...]
    reporting: ReportingDelay
    window_days: int
    horizon_hours: int
    as_of: pd.Timestamp
    counts: dict[str, int] = field(default_factory=dict)
    # Notes linked after H, left out of `frame` (late_links="drop") but built alike: the
    # pre-link placebo counts them among the linked notes (all they sold came before the link).
    late_linked_set_apart: pd.DataFrame = field(default_factory=pd.DataFrame)
    # With population="all", extra_controls and outcome_pool_size: up to that many (a seeded
    # random choice) of the notes of merchants not enrolled that were not sampled into `frame`,
    # for the outcome model alone (att_dml's outcome_pool).
    outcome_pool: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n_linked(self) -> int:
        return int(self.frame["linked"].sum())


def early_count_column(signal: str) -> str:
    """log(1 + the signal summed over the days complete by H)."""
    return f"early_{signal}"


def early_rate_column(signal: str) -> str:
    """The signal per unit of its denominator (EARLY_SIGNALS) over the days complete by H."""
    return f"early_{signal}_rate"


def build_note_frame(
    data: TablesLike,
    *,
    window_days: int,
    horizon_hours: int,
    as_of: pd.Timestamp,
    population: str = "could_link",
    late_links: str = "drop",
    extra_controls: int | None = None,
    seed: int = 0,
    outcome_pool_size: int | None = None,
) -> NoteFrame:
    """The note-level frame: treatment, outcomes in W, pre-link covariates and early signals."""
    if population not in POPULATIONS:
        raise ValueError(f"population must be one of {POPULATIONS}, got {population!r}")
    if late_links not in LATE_LINK_RULES:
        raise ValueError(f"late_links must be one of {LATE_LINK_RULES}, got {late_links!r}")
    if outcome_pool_size is not None:
        require_int(outcome_pool_size, "outcome_pool_size", 0)
    as_of = pd.Timestamp(as_of)
    window = pd.Timedelta(days=window_days)
    horizon = pd.Timedelta(hours=horizon_hours)
    reporting = estimate_reporting_delay(data.offsite_orders, as_of)

    notes = data.notes[data.notes["publish_time"] <= as_of].reset_index(drop=True)
    counts = {"published": len(notes)}
    mature = (notes["publish_time"] + window <= as_of).to_numpy()
    notes = notes[mature].reset_index(drop=True)
    counts["mature"] = len(notes)

    merchants = data.merchants.set_index("merchant_id")
    enrolled = notes["merchant_id"].map(merchants["enrolled_date"])
    could_link = (enrolled.notna() & (enrolled <= notes["publish_time"] + horizon)).to_numpy()
    linked = is_linked(notes, horizon_hours, as_of).to_numpy()
    late = (notes["link_time"].notna() & (notes["link_time"] <= as_of)).to_numpy() & ~linked

    keep = np.ones(len(notes), dtype=bool)
    if population == "could_link":
        keep &= could_link
    elif extra_controls is not None:
        others = np.flatnonzero(~could_link)
        if others.size > extra_controls:
            rng = np.random.default_rng(seed)
            chosen = rng.choice(others, size=extra_controls, replace=False)
            keep[others] = False
            keep[chosen] = True
        counts["extra_controls"] = int(min(others.size, extra_controls))
    # The notes not sampled (none linked later), built alike for the outcome model's pool
    # (NoteFrame.outcome_pool); a random choice of them when there are more than asked for.
    pooled = np.zeros(len(notes), dtype=bool)
    if population == "all" and outcome_pool_size:
        candidates = np.flatnonzero(~keep & ~late)
        if candidates.size > outcome_pool_size:
            # Its own stream: the sample is the same with or without a pool, of any size.
            rng = np.random.default_rng([seed, 1])
            candidates = rng.choice(candidates, size=outcome_pool_size, replace=False)
        pooled[candidates] = True
    keep |= pooled
    if late_links == "drop":
        # Built like the others, then set apart: the pre-link placebo uses them.
        counts["late_linked_dropped"] = int((keep & ~pooled & late).sum())
    notes = notes[keep].reset_index(drop=True)
    linked, late, pooled = linked[keep], late[keep], pooled[keep]
    enrolled = notes["merchant_id"].map(merchants["enrolled_date"])

    frame = pd.DataFrame(index=pd.Index(notes["note_id"].astype(str), name="note_id"))
    frame["merchant_id"] = notes["merchant_id"].astype(str).to_numpy()
    frame["creator_id"] = notes["creator_id"].astype(str).to_numpy()
    frame["publish_time"] = notes["publish_time"].to_numpy()
    frame["linked"] = linked.astype("int8")
    frame["late_linked"] = late.astype("int8")
    frame["could_link"] = could_link[keep].astype("int8")
    hours_to_link = (notes["link_time"] - notes["publish_time"]) / pd.Timedelta(hours=1)
    frame["hours_to_link"] = np.where(
        linked, hours_to_link.to_numpy("float64", na_value=np.nan), np.nan
    )
    # Any link seen by as_of, however late: for the pre-link placebo only (never a control).
    frame["link_hours"] = np.where(
        linked | late, hours_to_link.to_numpy("float64", na_value=np.nan), np.nan
    )

    outcomes = _note_outcomes(
        notes, data.inapp_orders, data.offsite_orders, window, as_of, reporting
    )
    for col in outcomes.columns:
        frame[col] = outcomes[col].to_numpy()
    # The sample's windows alone: pool notes take no part in the placebo, and the draws for
    # the sample stay the same with or without a pool.
    placebo_hours = np.full(len(frame), np.nan)
    placebo_hours[~pooled] = placebo_windows(
        frame["link_hours"].to_numpy()[~pooled], horizon_hours, seed
    )
    frame[PLACEBO_WINDOW] = placebo_hours
    bought = early_purchases(
        notes,
        data.inapp_orders,
        data.offsite_orders,
        hours=np.nan_to_num(placebo_hours, nan=0.0),
        as_of=as_of,
        reporting=reporting,
    )
    frame[PLACEBO_COLUMN] = np.where(
        np.isnan(placebo_hours), np.nan, np.log1p(bought["orders"].to_numpy("float64"))
    )

    pre_link = _pre_link_covariates(notes, data, enrolled, window_days)
    history = merchant_history(data, window_days)
    for col in history.columns:
        pre_link[col] = (
            notes["merchant_id"].astype(str).map(history[col]).astype("float64").to_numpy()
        )
    for col in pre_link.columns:
        frame[col] = pre_link[col].to_numpy()
    signals = daily_signals_by_cutoff(notes, data.note_daily, horizon_hours)
    early = []
    for signal, denominator in EARLY_SIGNALS.items():
        values = signals[signal].to_numpy("float64")
        frame[early_count_column(signal)] = np.log1p(values)
        early.append(early_count_column(signal))
        if denominator is not None:
            base = signals[denominator].to_numpy("float64")
            frame[early_rate_column(signal)] = np.divide(
                values, base, out=np.full(len(base), np.nan), where=base > 0
            )
            early.append(early_rate_column(signal))

    # Labels for subgroup effects and for placebo tests (never controls).
    frame["industry"] = notes["merchant_id"].map(merchants["industry"]).astype(str).to_numpy()
    frame["has_inapp_store"] = (
        notes["merchant_id"].map(merchants["has_inapp_store"]).astype(bool).to_numpy()
    )
    frame["tier"] = (
        notes["creator_id"]
        .map(data.creators.set_index("creator_id")["tier"])
        .astype(str)
        .to_numpy()
    )
    frame["price_band"] = price_band(notes["price"]).to_numpy()

    # Pool notes were never linked in their window (their merchant had not enrolled by H), and
    # none linked later (left out above, as the sample's are).
    pool = frame[pooled]
    frame, linked, late = frame[~pooled], linked[~pooled], late[~pooled]
    counts["outcome_pool"] = len(pool)
    set_apart = frame.iloc[:0]
    if late_links == "drop":
        set_apart, frame = frame[late], frame[~late]
        linked, late = linked[~late], late[~late]
    covariates = tuple(pre_link.columns)
    counts.update(
        analysed=len(frame),
        linked=int(linked.sum()),
        comparison=int((~linked).sum()),
        late_linked_kept=int(late.sum()),
    )
    log.info(
        "note frame: %d published, %d with their window closed, %d analysed (%d linked)",
        counts["published"],
        counts["mature"],
        counts["analysed"],
        counts["linked"],
    )
    return NoteFrame(
        frame=frame,
        pre_link_covariates=covariates,
        early_signal_covariates=tuple(early),
        reporting=reporting,
        window_days=window_days,
        horizon_hours=horizon_hours,
        as_of=as_of,
        counts=counts,
        late_linked_set_apart=set_apart,
        outcome_pool=pool,
    )


def _note_outcomes(
    notes: pd.DataFrame,
    inapp_orders: pd.DataFrame,
    offsite_orders: pd.DataFrame,
    window: pd.Timedelta,
    as_of: pd.Timestamp,
    reporting: ReportingDelay,
) -> pd.DataFrame:
    """GMV of orders placed in [publish, publish + W): in-app, and off-site by channel.

    Off-site sums weight each reported order by 1 / P(reported by as_of) (see `reporting`);
    `offsite_gmv_reported` keeps the plain sum of what has been reported.
    """
    publish = pd.Series(notes["publish_time"].to_numpy(), index=notes["note_id"].astype(str))

    def in_window(orders: pd.DataFrame) -> pd.DataFrame:
        start = orders["note_id"].astype(str).map(publish)
        when = orders["order_time"]
        inside = start.notna() & (when >= start) & (when < start + window) & (when <= as_of)
        return orders[inside.to_numpy()]

    def per_note(orders: pd.DataFrame, values: np.ndarray) -> np.ndarray:
        sums = (
            pd.Series(values, index=orders.index)
            .groupby(orders["note_id"].astype(str).to_numpy())
            .sum()
        )
        return sums.reindex(publish.index, fill_value=0.0).to_numpy("float64")

    out = pd.DataFrame(index=publish.index)
    inapp = in_window(inapp_orders)
    out["inapp_gmv"] = per_note(inapp, inapp["gmv"].to_numpy("float64"))
    offsite = in_window(offsite_orders[offsite_orders["reported_time"] <= as_of])
    age_days = ((as_of - offsite["order_time"]) / pd.Timedelta(days=1)).to_numpy("float64")
    channel = offsite["channel"].astype(str).to_numpy()
    gmv = offsite["gmv"].to_numpy("float64")
    weighted = gmv * reporting.weight(age_days, channel)
    for name in ("link", "search"):
        mask = channel == name
        out[f"offsite_gmv_{name}"] = per_note(offsite[mask], weighted[mask])
    out["offsite_gmv"] = out["offsite_gmv_link"] + out["offsite_gmv_search"]
    out["offsite_gmv_reported"] = per_note(offsite, gmv)
    return out


def placebo_windows(link_hours: np.ndarray, horizon_hours: float, seed: int = 0) -> np.ndarray:
    """Each note's pre-link placebo window (hours after publishing; NaN: not in the placebo).

    A note linked `link_hours` >= PLACEBO_MIN_HOURS after publishing: min(link_hours, H). A
    note never linked: one of those windows drawn at random (seeded), so that both sides of the
    comparison have the same windows; the window enters the placebo's design as a covariate.
    Linked sooner than PLACEBO_MIN_HOURS: NaN (too little time before the link to say anything).
    """
    link_hours = np.asarray(link_hours, dtype="float64")
    out = np.full(len(link_hours), np.nan)
    treated = link_hours >= PLACEBO_MIN_HOURS
    windows = np.minimum(link_hours[treated], float(horizon_hours))
    out[treated] = windows
    never = np.isnan(link_hours)
    if windows.size:
        rng = np.random.default_rng([seed, 7])  # a stream of its own (extra controls use seed)
        out[never] = rng.choice(windows, size=int(never.sum()))
    return out


def early_purchases(
    notes: pd.DataFrame,
    inapp_orders: pd.DataFrame,
    offsite_orders: pd.DataFrame,
    *,
    hours: float | np.ndarray,
    as_of: pd.Timestamp,
    reporting: ReportingDelay,
) -> pd.DataFrame:
    """What each note sold in its first `hours` hours, in-app and off-site (index note_id).

    `hours`: one number for every note, or one per row of `notes`.

    Columns: `orders` (count), `units` (Σ GMV / the note's list price: quantity × discount),
    `gmv` (¥) and `any` (1 if any order is seen). Off-site orders count once reported by
    as_of, weighted by 1 / P(reported by as_of) like the window's off-site GMV (`any` uses
    the reported ones unweighted). NaN for notes whose first `hours` hours end after as_of.
    For a note linked later than `hours` these purchases happened before its link.
    """
    as_of = pd.Timestamp(as_of)
    ids = notes["note_id"].astype(str).to_numpy()
    publish = pd.Series(notes["publish_time"].to_numpy(), index=ids)
    span = pd.Series(
        pd.to_timedelta(np.broadcast_to(np.asarray(hours, dtype="float64"), len(ids)), unit="h"),
        index=ids,
    )
    end = publish + span
    price = pd.Series(notes["price"].to_numpy("float64"), index=ids)

    def early(orders: pd.DataFrame) -> pd.DataFrame:
        note = orders["note_id"].astype(str)
        start, stop = note.map(publish), note.map(end)
        when = orders["order_time"]
        inside = start.notna() & (when >= start) & (when < stop) & (when <= as_of)
        return orders[inside.to_numpy()]

    inapp = early(inapp_orders)
    offsite = early(offsite_orders[offsite_orders["reported_time"] <= as_of])
    age_days = ((as_of - offsite["order_time"]) / pd.Timedelta(days=1)).to_numpy("float64")
    weight = reporting.weight(age_days, offsite["channel"].astype(str).to_numpy())
    rows = pd.DataFrame(
        {
            "note_id": np.concatenate(
                [inapp["note_id"].astype(str).to_numpy(), offsite["note_id"].astype(str).to_numpy()]
            ),
            "weight": np.concatenate([np.ones(len(inapp)), weight]),
            "gmv": np.concatenate(
                [inapp["gmv"].to_numpy("float64"), offsite["gmv"].to_numpy("float64")]
            ),
        }
    )
    rows["orders"] = rows["weight"]
    rows["gmv"] *= rows["weight"]
    rows["units"] = rows["gmv"] / rows["note_id"].map(price).to_numpy("float64")
    sums = rows.groupby("note_id")[["orders", "units", "gmv"]].sum()
    out = sums.reindex(publish.index, fill_value=0.0).astype("float64")
    out["any"] = (rows.groupby("note_id").size().reindex(publish.index, fill_value=0) > 0).astype(
        "float64"
    )
    out.index.name = "note_id"
    out.loc[(end > as_of).to_numpy()] = np.nan
    return out


def _pre_link_covariates(
    notes: pd.DataFrame, data: TablesLike, enrolled: pd.Series, window_days: int
) -> pd.DataFrame:
    """Numeric covariates fixed before any link: merchant, creator, note and calendar."""
    merchants = data.merchants.set_index("merchant_id")
    creators = data.creators.set_index("creator_id")
    by_merchant = notes["merchant_id"]
    x = pd.DataFrame(index=notes.index)
    industry = by_merchant.map(merchants["industry"]).astype(str)
    for name in INDUSTRIES:
        x[f"industry_{name}"] = (industry == name).astype("float64")
    x["has_inapp_store"] = by_merchant.map(merchants["has_inapp_store"]).astype("float64")
    x["enterprise_account"] = by_merchant.map(merchants["enterprise_account"]).astype("float64")
    x["log_pre_daily_ad_spend"] = np.log1p(
        by_merchant.map(merchants["pre_daily_ad_spend"]).astype("float64")
    )
    x["log_funnel_budget"] = np.log1p(by_merchant.map(merchants["funnel_budget"]).astype("float64"))
    # Days the merchant had been enrolled when the note went out (negative: enrolled within H
    # after publishing; such notes are linked far less often). Missing if not enrolled.
    x["days_enrolled_at_publish"] = (
        ((notes["publish_time"] - enrolled) / DAY).astype("float64").fillna(-99.0)
    )

    creator = notes["creator_id"]
    x["tier_rank"] = creator.map(creators["tier"]).map(TIER_ORDER).astype("float64")
    x["log_followers"] = np.log1p(creator.map(creators["followers"]).astype("float64"))

    x["is_video"] = (notes["format"] == "video").astype("float64")
    x["log_price"] = np.log(notes["price"].astype("float64"))
    x["text_length"] = notes["text_length"].astype("float64")
    x["n_images"] = notes["n_images"].astype("float64")
    x["paid_collab"] = notes["paid_collab"].astype("float64")

    publish = notes["publish_time"]
    x["publish_weekday"] = publish.dt.day_of_week.astype("float64")
    x["publish_hour"] = publish.dt.hour.astype("float64")
    x["days_since_launch"] = ((publish - LAUNCH_DAY) / DAY).astype("float64")
    x["window_618_share"] = festival_share(publish, window_days)
    return x


def merchant_history(data: TablesLike, window_days: int) -> pd.DataFrame:
    """Each merchant's seeding record from before links existed (index merchant_id).

    From the merchant's notes whose whole window closed before launch (no link could touch
    them): in-app and off-site GMV per note and per 1,000 reads in the window, and how many
    such notes there were. They say how a merchant's readers buy (a store or not, price
    level, Taobao habit) better than any merchant attribute, and they are pre-treatment by
    construction. Missing (NaN) for merchants without such notes; LightGBM handles it.
    """
    window = pd.Timedelta(days=window_days)
    notes = data.notes[data.notes["publish_time"] + window <= LAUNCH_DAY]
    if notes.empty:
        return pd.DataFrame(
            columns=[
                "hist_notes",
                "hist_log_inapp_per_note",
                "hist_log_offsite_per_note",
                "hist_inapp_per_1k_reads",
                "hist_offsite_per_1k_reads",
            ],
            dtype="float64",
        )
    publish = pd.Series(notes["publish_time"].to_numpy(), index=notes["note_id"].astype(str))

    def in_window_sum(frame: pd.DataFrame, time_col: str, value_col: str) -> pd.Series:
        start = frame["note_id"].astype(str).map(publish)
        inside = start.notna() & (
            frame[time_col] >= start.dt.normalize()
            if time_col == "date"
            else frame[time_col] >= start
        )
        inside &= frame[time_col] < start + window
        kept = frame[inside.to_numpy()]
        return (
            kept[value_col]
            .groupby(kept["note_id"].astype(str))
            .sum()
            .reindex(publish.index, fill_value=0.0)
        )

    per_note = pd.DataFrame(
        {
            "merchant_id": notes["merchant_id"].astype(str).to_numpy(),
            "inapp": in_window_sum(data.inapp_orders, "order_time", "gmv").to_numpy(),
            "offsite": in_window_sum(data.offsite_orders, "order_time", "gmv").to_numpy(),
            "reads": in_window_sum(data.note_daily, "date", "reads").to_numpy(),
        }
    )
    sums = per_note.groupby("merchant_id").agg(
        notes=("inapp", "size"),
        inapp=("inapp", "sum"),
        offsite=("offsite", "sum"),
        reads=("reads", "sum"),
    )
    reads = sums["reads"].where(sums["reads"] > 0)
    return pd.DataFrame(
        {
            "hist_notes": sums["notes"].astype("float64"),
            "hist_log_inapp_per_note": np.log1p(sums["inapp"] / sums["notes"]),
            "hist_log_offsite_per_note": np.log1p(sums["offsite"] / sums["notes"]),
            "hist_inapp_per_1k_reads": 1000.0 * sums["inapp"] / reads,
            "hist_offsite_per_1k_reads": 1000.0 * sums["offsite"] / reads,
        }
    )


def festival_share(publish: pd.Series, window_days: int) -> pd.Series:
    """Share of the attribution window that falls in the 618 festival (calendar, so pre-link)."""
    window = pd.Timedelta(days=window_days)
    start = publish.clip(lower=FESTIVAL_START)
    end = (publish + window).clip(upper=FESTIVAL_END + DAY)
    return ((end - start).clip(lower=pd.Timedelta(0)) / window).astype("float64")


def price_band(price: pd.Series) -> pd.Series:
    """The featured product's price band (fixed ¥ edges, so bands mean the same in every run)."""
    bands = pd.cut(
        price.astype("float64"),
        bins=list(PRICE_BAND_EDGES),
        labels=list(PRICE_BAND_LABELS),
        right=False,
    )
    return bands.astype(str)


def merchant_pre_launch_gmv(
    merchant_daily: pd.DataFrame, days: int = PRE_LAUNCH_SPEND_DAYS
) -> pd.Series:
    """Each merchant's mean daily in-app GMV in the `days` days before launch (index merchant_id)."""
    start = LAUNCH_DAY - pd.Timedelta(days=days)
    pre = merchant_daily[(merchant_daily["date"] >= start) & (merchant_daily["date"] < LAUNCH_DAY)]
    return (
        pre.groupby(pre["merchant_id"].astype(str))["inapp_gmv"]
        .mean()
        .rename("pre_launch_inapp_gmv")
    )


# --- Merchant-days ------------------------------------------------------------------------
@dataclass(frozen=True)
class MerchantPanel:
    """merchant_daily up to as_of with treatment timing (one row per merchant-day)."""

    frame: pd.DataFrame  # merchant_id, date, inapp_gmv, ad_spend, first_treated, festival_618, ...
    comparison: str
    as_of: pd.Timestamp
    counts: dict[str, int] = field(default_factory=dict)


# Which never-enrolled merchants serve as comparisons (besides not-yet-enrolled ones):
#   "eligible":    those meeting every first-wave rule (closest to the enrolled in size and trend);
#   "whitelisted": every merchant of the white-listed industries (same industries' seasons);
#   "all":         every merchant.
COMPARISONS = ("eligible", "whitelisted", "all")


def merchant_eligible(merchants: pd.DataFrame) -> pd.Series:
    """Whether each merchant meets every first-wave rule (white list, spend, budget, 企业号)."""
    return meets_other_rules(merchants) & (merchants["pre_daily_ad_spend"] >= MIN_DAILY_AD_SPEND)


def meets_other_rules(merchants: pd.DataFrame) -> pd.Series:
    """White-listed industry, funnel budget ≥ ¥50,000 and an enterprise account (not the spend rule)."""
    return (
        merchants["industry"].isin(WHITELIST_INDUSTRIES)
        & (merchants["funnel_budget"] >= MIN_FUNNEL_BUDGET)
        & merchants["enterprise_account"].fillna(False).astype(bool)
    )


def enrolment_as_of(merchants: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Enrolment day as known on `as_of` (NaT for never or not yet)."""
    enrolled = pd.to_datetime(merchants["enrolled_date"]).dt.normalize()
    return enrolled.where(enrolled <= as_of)


def build_merchant_panel(
    data: TablesLike,
    *,
    as_of: pd.Timestamp,
    comparison: str = "eligible",
    start: pd.Timestamp | None = None,
) -> MerchantPanel:
    """Daily in-app GMV per merchant with first_treated (= enrolment day) and calendar markers.

    Columns: merchant_id, date, inapp_gmv, ad_spend, first_treated (NaT if never enrolled by
    as_of), festival_618 (0/1), day (integer day index), baseline_gmv (mean daily in-app GMV in
    the 28 days before launch), inapp_gmv_rel (inapp_gmv / baseline_gmv, for relative changes),
    treated (0/1 on and after first_treated).
    """
    if comparison not in COMPARISONS:
        raise ValueError(f"comparison must be one of {COMPARISONS}, got {comparison!r}")
    as_of = pd.Timestamp(as_of)
    merchants = data.merchants.copy()
    merchants["merchant_id"] = merchants["merchant_id"].astype(str)
    merchants["first_treated"] = enrolment_as_of(merchants, as_of)
    enrolled = merchants["first_treated"].notna()
    # Only merchants with an in-app store: without one there is no in-app GMV to lose, and
    # their zeros add nothing to either side of the ratio of totals the effect is defined as.
    merchants = merchants[merchants["has_inapp_store"].fillna(False).astype(bool)]
    enrolled = enrolled[merchants.index]
    pool = {
        "eligible": merchant_eligible(merchants),
        "whitelisted": merchants["industry"].isin(WHITELIST_INDUSTRIES),
        "all": pd.Series(True, index=merchants.index),
    }[comparison]
    chosen = merchants[enrolled | pool]

    daily = data.merchant_daily
    daily = daily[daily["date"] <= as_of.normalize()]
    if start is not None:
        daily = daily[daily["date"] >= pd.Timestamp(start)]
    panel = daily.assign(merchant_id=daily["merchant_id"].astype(str)).merge(
        chosen[["merchant_id", "first_treated"]], on="merchant_id", how="inner"
    )
    panel = panel[["merchant_id", "date", "inapp_gmv", "ad_spend", "first_treated"]].copy()
    panel["date"] = pd.to_datetime(panel["date"]).dt.normalize()
    panel["festival_618"] = panel["date"].between(FESTIVAL_START, FESTIVAL_END).astype("int8")
    origin = panel["date"].min()
    panel["day"] = ((panel["date"] - origin) / DAY).astype("int64")
    baseline = merchant_pre_launch_gmv(data.merchant_daily)
    panel["baseline_gmv"] = panel["merchant_id"].map(baseline).astype("float64")
    # Relative to the merchant's own pre-launch level: a proportional season (618 lifts big and
    # small shops by the same %) then moves every merchant alike, as parallel trends need.
    panel["inapp_gmv_rel"] = panel["inapp_gmv"] / panel["baseline_gmv"].where(
        panel["baseline_gmv"] > 0
    )
    panel["treated"] = (
        panel["first_treated"].notna() & (panel["date"] >= panel["first_treated"])
    ).astype("int8")
    panel = panel.sort_values(["merchant_id", "date"]).reset_index(drop=True)
    counts = {
        "merchants": int(panel["merchant_id"].nunique()),
        "enrolled": int(panel.loc[panel["first_treated"].notna(), "merchant_id"].nunique()),
        "merchant_days": len(panel),
        "treated_merchant_days": int(panel["treated"].sum()),
    }
    log.info("merchant panel (%s comparisons): %s", comparison, counts)
    return MerchantPanel(frame=panel, comparison=comparison, as_of=as_of, counts=counts)


# --- Merchants around the ¥5,000 rule ---------------------------------------------------
@dataclass(frozen=True)
class ThresholdFrame:
    """Merchants meeting the other rules, one row each, for the regression discontinuity."""

    frame: pd.DataFrame  # merchant_id, running, enrolled, outcome, pre_gmv, post_gmv
    cutoff: float
    outcome: str
    as_of: pd.Timestamp


def build_threshold_frame(
    data: TablesLike, *, as_of: pd.Timestamp, outcome: str = "relative"
) -> ThresholdFrame:
    """Running variable pre_daily_ad_spend − ¥5,000; treatment enrolled by as_of.

    Outcome: the change in mean daily in-app GMV from the 28 days before launch to the days
    from launch to as_of, `relative` (%, the default) or `level` (¥ per day). The relative
    change is the default because merchants of equal spend differ many-fold in store size: a
    percent change removes that spread (a tighter interval) and is in the unit of the
    merchant-level key, so the designs can be read side by side.
    """
    if outcome not in ("relative", "level"):
        raise ValueError(f"outcome must be 'relative' or 'level', got {outcome!r}")
    as_of = pd.Timestamp(as_of)
    merchants = data.merchants[meets_other_rules(data.merchants)].copy()
    merchants["merchant_id"] = merchants["merchant_id"].astype(str)
    daily = data.merchant_daily.assign(merchant_id=data.merchant_daily["merchant_id"].astype(str))
    pre = merchant_pre_launch_gmv(daily)
    post_rows = daily[(daily["date"] >= LAUNCH_DAY) & (daily["date"] <= as_of.normalize())]
    post = post_rows.groupby("merchant_id")["inapp_gmv"].mean()

    frame = pd.DataFrame(
        {
            "merchant_id": merchants["merchant_id"].to_numpy(),
            "running": (merchants["pre_daily_ad_spend"] - MIN_DAILY_AD_SPEND).to_numpy("float64"),
            "enrolled": enrolment_as_of(merchants, as_of).notna().astype("int8").to_numpy(),
            "industry": merchants["industry"].astype(str).to_numpy(),
        }
    )
    frame["pre_gmv"] = frame["merchant_id"].map(pre).astype("float64")
    frame["post_gmv"] = frame["merchant_id"].map(post).astype("float64")
    if outcome == "relative":
        frame["outcome"] = 100.0 * (
            frame["post_gmv"] / frame["pre_gmv"].where(frame["pre_gmv"] > 0) - 1.0
        )
    else:
        frame["outcome"] = frame["post_gmv"] - frame["pre_gmv"]
    frame = frame.dropna(subset=["outcome"]).reset_index(drop=True)
    log.info("threshold frame: %d merchants meet the other rules", len(frame))
    return ThresholdFrame(frame=frame, cutoff=0.0, outcome=outcome, as_of=as_of)


def covariate_matrix(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The chosen covariates as float64 (LightGBM and the DML estimators need plain numbers)."""
    return frame[list(columns)].astype("float64")
