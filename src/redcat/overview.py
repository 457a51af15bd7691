"""The data overview as tables: what a dataset covers, who may enrol, and how notes convert.

Pure functions: frames and parameters in, DataFrames out; no plotting, no files. Every function
sees the data as a run on the day `as_of` would (a pd.Timestamp, the last instant of that day):
notes published, orders placed and off-site orders *reported back* by then. Definitions follow
shared/data-contract.md: a note is *linked* when its link was attached within `horizon_hours`
of publishing; its outcomes are what happened within `window_days` of publishing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from redcat.config import (
    INDUSTRIES,
    LAUNCH_DATE,
    MIN_DAILY_AD_SPEND,
    MIN_FUNNEL_BUDGET,
    WHITELIST_INDUSTRIES,
)
from redcat.contract import TABLE_ORDER
from redcat.engine.signals import day_number, select_observed

# --- Vocabularies --------------------------------------------------------------------------
ENROLLED, ELIGIBLE, INELIGIBLE = "enrolled", "eligible", "ineligible"
MERCHANT_STATUSES = (ENROLLED, ELIGIBLE, INELIGIBLE)  # ELIGIBLE = eligible, never enrolled (yet)
LINKED, LATE_LINK, NO_LINK = "linked", "late", "none"
LINK_STATUSES = (LINKED, LATE_LINK, NO_LINK)
GROUP_LINKED, GROUP_UNLINKED, GROUP_ALL = "linked", "unlinked", "all"
NOTE_GROUPS = (GROUP_LINKED, GROUP_UNLINKED, GROUP_ALL)

LAUNCH_DAY = pd.Timestamp(LAUNCH_DATE)

ENGAGEMENT_COLUMNS = ("likes", "collects", "comments", "shares")
DAILY_SUMS = ("impressions", "reads", "engagement", "link_clicks", "store_visits", "ad_spend")

# Each funnel step with the step its rate is measured against. Rates are not all "over the
# previous step": unlinked notes have no link taps, yet readers still visit the Taobao store by
# searching (回搜), so visits and in-app orders are rated per read, off-site orders per visit.
FUNNEL_STEPS: tuple[tuple[str, str | None], ...] = (
    ("impressions", None),
    ("reads", "impressions"),
    ("engagement", "reads"),
    ("link_clicks", "reads"),
    ("store_visits", "reads"),
    ("inapp_orders", "reads"),
    ("offsite_orders", "store_visits"),
    ("inapp_gmv", None),
    ("offsite_gmv", None),
)

# When a row of each table becomes known to a run (None: known from the start), and which
# column gives the period a table covers.
KNOWN_FROM = {
    "merchants": None,
    "creators": None,
    "notes": "publish_time",
    "note_daily": "date",
    "inapp_orders": "order_time",
    "offsite_orders": "reported_time",
    "merchant_daily": "date",
}
SPAN_COLUMN = {
    "merchants": None,  # enrolment dates have their own chart
    "creators": None,
    "notes": "publish_time",
    "note_daily": "date",
    "inapp_orders": "order_time",
    "offsite_orders": "order_time",
    "merchant_daily": "date",
}


# --- Coverage ------------------------------------------------------------------------------
def coverage(tables: Mapping[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame:
    """Rows per table (all, and known by `as_of`) and the period each table covers."""
    rows = []
    for name in TABLE_ORDER:
        frame = tables[name]
        known_col, span_col = KNOWN_FROM[name], SPAN_COLUMN[name]
        known = len(frame) if known_col is None else int((frame[known_col] <= as_of).sum())
        span = frame[span_col] if span_col else pd.Series(dtype="datetime64[ns]")
        rows.append(
            {
                "table": name,
                "rows": len(frame),
                "rows_as_of": known,
                "first": span.min(),
                "last": span.max(),
            }
        )
    return pd.DataFrame(rows)


def notes_as_of(notes: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    return notes[notes["publish_time"] <= as_of]


# --- Merchants: eligibility and enrolment --------------------------------------------------
def merchant_eligible(merchants: pd.DataFrame) -> pd.Series:
    """Whether each merchant meets the first wave's rules (white list, spend, budget, 企业号)."""
    return (
        merchants["industry"].isin(WHITELIST_INDUSTRIES)
        & (merchants["pre_daily_ad_spend"] >= MIN_DAILY_AD_SPEND)
        & (merchants["funnel_budget"] >= MIN_FUNNEL_BUDGET)
        & merchants["enterprise_account"].fillna(False).astype(bool)
    ).rename("eligible")


def merchant_status(merchants: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """enrolled (by `as_of`), eligible (but not enrolled) or ineligible, for each merchant."""
    enrolled = merchants["enrolled_date"].notna() & (merchants["enrolled_date"] <= as_of)
    status = np.select(
        [enrolled.to_numpy(), merchant_eligible(merchants).to_numpy()],
        [ENROLLED, ELIGIBLE],
        default=INELIGIBLE,
    )
    return pd.Series(
        pd.Categorical(status, categories=MERCHANT_STATUSES), index=merchants.index, name="status"
    )


def notes_by_industry_status(
    notes: pd.DataFrame, merchants: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Notes published by `as_of`, per industry (rows) and merchant status (columns), with totals."""
    status = merchants[["merchant_id", "industry"]].assign(status=merchant_status(merchants, as_of))
    seen = notes_as_of(notes, as_of)[["merchant_id"]].merge(status, on="merchant_id", how="left")
    counts = pd.crosstab(seen["industry"], seen["status"]).reindex(
        columns=list(MERCHANT_STATUSES), fill_value=0
    )
    counts = counts.reindex(_industry_order(counts.index), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "industry"
    counts.columns.name = None
    return counts.reset_index()


def enrolment_timeline(merchants: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Merchants enrolling per day and enrolled so far, every day from launch to `as_of`."""
    dates = merchants["enrolled_date"].dropna()
    dates = dates[dates <= as_of].dt.normalize()
    start = min([LAUNCH_DAY, *([dates.min()] if len(dates) else [])])
    days = pd.date_range(start, as_of.normalize(), freq="D", name="date")
    new = dates.value_counts().reindex(days, fill_value=0).astype("int64")
    return pd.DataFrame(
        {"date": days, "newly_enrolled": new.to_numpy(), "enrolled_total": new.cumsum().to_numpy()}
    )


# --- Notes: linked or not ------------------------------------------------------------------
def link_status(notes: pd.DataFrame, horizon_hours: int, as_of: pd.Timestamp) -> pd.Series:
    """linked (link within `horizon_hours` of publishing), late (link later) or none.

    A link attached after `as_of` is not known yet, so the note counts as "none". A link time at
    or before the publish time (attached as the note went out) counts as linked.
    """
    known = notes["link_time"].notna() & (notes["link_time"] <= as_of)
    delay = notes["link_time"] - notes["publish_time"]
    in_horizon = known & (delay <= pd.Timedelta(hours=horizon_hours))
    status = np.select(
        [in_horizon.to_numpy(), known.to_numpy()], [LINKED, LATE_LINK], default=NO_LINK
    )
    return pd.Series(
        pd.Categorical(status, categories=LINK_STATUSES), index=notes.index, name="link_status"
    )


def is_linked(notes: pd.DataFrame, horizon_hours: int, as_of: pd.Timestamp) -> pd.Series:
    """The contract's linked note: a link attached within the first `horizon_hours`."""
    return (link_status(notes, horizon_hours, as_of) == LINKED).rename("linked")


def notes_per_day(notes: pd.DataFrame, horizon_hours: int, as_of: pd.Timestamp) -> pd.DataFrame:
    """Notes published each day up to `as_of` (days without notes included), linked or not."""
    seen = notes_as_of(notes, as_of)
    day = seen["publish_time"].dt.normalize()
    linked = is_linked(seen, horizon_hours, as_of)
    if seen.empty:
        return pd.DataFrame(columns=["date", "linked", "unlinked", "total"])
    days = pd.date_range(day.min(), day.max(), freq="D", name="date")
    per_day = (
        pd.DataFrame({"date": day, "linked": linked, "unlinked": ~linked})
        .groupby("date")[["linked", "unlinked"]]
        .sum()
        .reindex(days, fill_value=0)
        .astype("int64")
    )
    per_day["total"] = per_day["linked"] + per_day["unlinked"]
    return per_day.reset_index()


def linked_by_industry(
    notes: pd.DataFrame,
    merchants: pd.DataFrame,
    horizon_hours: int,
    as_of: pd.Timestamp,
    since: pd.Timestamp | None = LAUNCH_DAY,
) -> pd.DataFrame:
    """Per industry, notes published since `since` (default: links launch) by link status."""
    seen = notes_as_of(notes, as_of)
    if since is not None:
        seen = seen[seen["publish_time"] >= since]
    frame = seen[["merchant_id"]].assign(link_status=link_status(seen, horizon_hours, as_of))
    frame = frame.merge(merchants[["merchant_id", "industry"]], on="merchant_id", how="left")
    counts = pd.crosstab(frame["industry"], frame["link_status"]).reindex(
        columns=list(LINK_STATUSES), fill_value=0
    )
    counts = counts.reindex(_industry_order(counts.index), fill_value=0)
    counts.insert(0, "notes", counts.sum(axis=1))
    counts["linked_share"] = counts[LINKED] / counts["notes"].where(counts["notes"] > 0)
    counts.index.name = "industry"
    counts.columns.name = None
    return counts.reset_index()


# --- Outcomes and the funnel ---------------------------------------------------------------
def note_outcomes(
    notes: pd.DataFrame,
    note_daily: pd.DataFrame,
    inapp_orders: pd.DataFrame,
    offsite_orders: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_days: int,
    horizon_hours: int,
) -> pd.DataFrame:
    """One row per note published by `as_of`: its signals and orders in its attribution window.

    Daily signals count on the publish day and the next `window_days - 1` days; orders count
    when placed in [publish_time, publish_time + window_days). Everything stops at `as_of`, and
    off-site orders count only once reported back (reported_time <= as_of). `window_complete`
    says whether the whole window lies before `as_of`.

    The daily table is never merged or copied: its rows are matched to the notes by id in
    slices of `DAILY_SLICE_ROWS` and summed per note with numpy (`np.bincount`), so memory
    stays at a few hundred MB beyond the table itself even at tens of millions of rows.
    """
    window = pd.Timedelta(days=window_days)
    seen = notes_as_of(notes, as_of)
    n = len(seen)
    out = seen[["note_id", "merchant_id", "publish_time"]].reset_index(drop=True)
    out["linked"] = is_linked(seen, horizon_hours, as_of).to_numpy()
    out["window_complete"] = (out["publish_time"] + window <= as_of).to_numpy()

    publish_day = day_number(seen["publish_time"])
    as_of_day = int(day_number(pd.Series([as_of]))[0])
    keys = pd.DataFrame(
        {
            "note_id": seen["note_id"].to_numpy(),
            "pos": np.arange(n, dtype="int64"),
            "publish_day": publish_day,
            # the first day not counted: the window's end, or the day after the run date
            "cutoff_day": np.minimum(publish_day + window_days, as_of_day + 1),
        }
    )
    sums = _daily_sums(keys, note_daily)
    for col in DAILY_SUMS:
        out[col] = sums[col] if col == "ad_spend" else sums[col].astype("int64")

    offsite = offsite_orders[offsite_orders["reported_time"] <= as_of]
    for name, orders in (("inapp", inapp_orders), ("offsite", offsite)):
        pos, gmv = _orders_in_window(orders, seen, window, as_of)
        out[f"{name}_orders"] = np.bincount(pos, minlength=n).astype("int64")
        # (astype: bincount of no rows gives int64 even with weights)
        out[f"{name}_gmv"] = np.bincount(pos, weights=gmv, minlength=n).astype("float64")
    return out


# Daily rows matched and summed at a time by `note_outcomes` (bounds its working memory).
DAILY_SLICE_ROWS = 4_000_000
_DAILY_COLUMNS = tuple(c for c in DAILY_SUMS if c != "engagement") + ENGAGEMENT_COLUMNS


def _daily_sums(keys: pd.DataFrame, note_daily: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per note (position in `keys`): each daily signal summed over its observed days."""
    n = len(keys)
    totals = {c: np.zeros(n, dtype="float64") for c in _DAILY_COLUMNS}
    for start in range(0, len(note_daily) if n else 0, DAILY_SLICE_ROWS):
        part = note_daily.iloc[start : start + DAILY_SLICE_ROWS]
        rows = select_observed(keys, part, _DAILY_COLUMNS)
        for col in _DAILY_COLUMNS:
            totals[col] += np.bincount(rows.position, weights=rows.values[col], minlength=n)
        del rows, part
    sums = {c: totals[c] for c in DAILY_SUMS if c != "engagement"}
    sums["engagement"] = sum(totals[c] for c in ENGAGEMENT_COLUMNS)
    return sums


def _orders_in_window(
    orders: pd.DataFrame, seen: pd.DataFrame, window: pd.Timedelta, as_of: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """Positions in `seen` and GMV of the orders placed in their note's window by `as_of`."""
    if seen.empty:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="float64")
    found = pd.Index(seen["note_id"]).get_indexer(orders["note_id"])
    known = found >= 0
    publish = seen["publish_time"].to_numpy("datetime64[ns]")[np.where(known, found, 0)]
    when = orders["order_time"].to_numpy("datetime64[ns]")
    keep = (
        known
        & (when >= publish)
        & (when < publish + window.to_timedelta64())
        & (when <= as_of.to_datetime64())
    )
    gmv = orders["gmv"].to_numpy("float64", na_value=0.0)[keep]
    return found[keep], gmv


def _groups(outcomes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        GROUP_LINKED: outcomes[outcomes["linked"]],
        GROUP_UNLINKED: outcomes[~outcomes["linked"]],
        GROUP_ALL: outcomes,
    }


def funnel(outcomes: pd.DataFrame, complete_windows_only: bool = True) -> pd.DataFrame:
    """The funnel for linked, unlinked and all notes: one row per group and step.

    Columns: group, step, base (the step the rate is measured against), notes, value (total),
    per_note, rate (value / base total; NaN when the base is zero or there is no base).
    Only notes whose window closed by the run date count, unless `complete_windows_only` is
    False: a half-observed window would shrink recent (and so mostly linked) notes' numbers.
    """
    if complete_windows_only:
        outcomes = outcomes[outcomes["window_complete"]]
    rows = []
    for group, frame in _groups(outcomes).items():
        totals = frame[[step for step, _ in FUNNEL_STEPS]].sum()
        n = len(frame)
        for step, base in FUNNEL_STEPS:
            value = totals[step]
            base_total = totals[base] if base else np.nan
            rows.append(
                {
                    "group": group,
                    "step": step,
                    "base": base,
                    "notes": n,
                    "value": float(value),
                    "per_note": value / n if n else np.nan,
                    "rate": value / base_total if base and base_total > 0 else np.nan,
                }
            )
    return pd.DataFrame(rows)


def cost_per_store_visit(
    outcomes: pd.DataFrame, merchants: pd.DataFrame, complete_windows_only: bool = True
) -> pd.DataFrame:
    """Ad spend per store visit (进店成本) by industry and linked / unlinked / all notes.

    Columns: industry, group, notes, ad_spend, store_visits, cost_per_visit (NaN without visits).
    """
    if complete_windows_only:
        outcomes = outcomes[outcomes["window_complete"]]
    industry = outcomes["merchant_id"].map(merchants.set_index("merchant_id")["industry"])
    stacked = pd.concat(
        [
            frame.assign(group=group)
            for group, frame in _groups(outcomes.assign(industry=industry)).items()
        ]
    )
    result = (
        stacked.groupby(["industry", "group"], sort=False)
        .agg(
            notes=("note_id", "size"),
            ad_spend=("ad_spend", "sum"),
            store_visits=("store_visits", "sum"),
        )
        .reset_index()
    )
    result["cost_per_visit"] = result["ad_spend"] / result["store_visits"].where(
        result["store_visits"] > 0
    )
    result["industry"] = pd.Categorical(
        result["industry"], categories=_industry_order(result["industry"].unique())
    )
    result["group"] = pd.Categorical(result["group"], categories=NOTE_GROUPS)
    result = result.sort_values(["industry", "group"]).reset_index(drop=True)
    return result.astype({"industry": str, "group": str})


# --- Merchants' in-app store over time -----------------------------------------------------
def inapp_gmv_by_status(
    merchant_daily: pd.DataFrame, merchants: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Daily in-app GMV per merchant status: total, merchants reporting, mean per merchant."""
    status = merchants[["merchant_id"]].assign(status=merchant_status(merchants, as_of))
    daily = merchant_daily[merchant_daily["date"] <= as_of].merge(status, on="merchant_id")
    grouped = daily.groupby(["date", "status"], observed=True)
    result = grouped.agg(merchants=("merchant_id", "nunique"), inapp_gmv=("inapp_gmv", "sum"))
    result["gmv_per_merchant"] = result["inapp_gmv"] / result["merchants"]
    return result.reset_index()


def _industry_order(present) -> list:
    """Industries in the contract's order (white list first), then any unexpected ones."""
    present = list(present)
    known = [i for i in INDUSTRIES if i in present]
    return known + sorted(str(i) for i in present if i not in INDUSTRIES)
