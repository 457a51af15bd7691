"""Note features known H hours after publishing: what a commerce team can see when it decides.

One row per note, built only from what exists at the note's *cutoff* (publish_time + H):

- daily signals (note_daily) of the calendar days that were over by the cutoff. A day's row is
  complete only at the following midnight, so a day counts when `date + 1 day <= cutoff`; the
  publish day is partial (`hours_first_day` says how much of it the note lived);
- the link, when attached by the cutoff; the merchant's enrolment, when it started by then;
- fixed attributes: the note (format, price, text, images, paid collab), its creator (followers,
  tier) and its merchant (industry, in-app store, enterprise account, pre-launch size).

Nothing later may leak in (tests/test_features.py changes every later row and checks that no
feature moves).

Orders. In-app orders placed by the cutoff are features: they are Xiaohongshu's own data,
known the moment they happen, and they reveal the readers' purchase intent that no engagement
signal shows. Off-site orders are never features, even those already reported by the cutoff:
they are the target itself, and a model fed part of its answer would say little about what the
*signals* promise (and could not be compared with the oracle). The team sees reported orders
beside the scores anyway.

Price is compared with its industry's median price *in the training notes* (a
`FeatureReference` fitted once and stored with the model), so a note's features never depend on
notes published after it, and scoring new data uses the same yardstick as training did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from redcat.config import CREATOR_TIERS, FESTIVALS, INDUSTRIES, NOTE_FORMATS
from redcat.contract import SIGNAL_COLUMNS
from redcat.engine.cache import FeatureCache
from redcat.engine.signals import ObservedRows, note_windows, observed_rows, sum_by_note

DAY = pd.Timedelta(days=1)

# Daily signals summed over the observed days (contract: note_daily).
SUMMED_SIGNALS = (*SIGNAL_COLUMNS, "ad_spend", "link_clicks", "store_visits")
# Signals whose day-by-day shape (first day vs last observed day) is a feature: early momentum.
TREND_SIGNALS = ("impressions", "reads", "collects")

# Categorical features with their fixed vocabularies (from config), so codes are the same in
# training and scoring. Values outside a vocabulary become missing, which LightGBM handles.
CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    "industry": INDUSTRIES,
    "tier": CREATOR_TIERS,
    "format": NOTE_FORMATS,
}

# Every feature, in model order, with what it means (the model card and the drivers section
# show these words; report labels in zh/en live in redcat.conversion_text).
FEATURE_DESCRIPTIONS: dict[str, str] = {
    # exposure and engagement, summed over the days observed by H
    "impressions": "impressions by H",
    "reads": "reads by H",
    "likes": "likes by H",
    "collects": "saves (collects) by H",
    "comments": "comments by H",
    "shares": "shares by H",
    "search_impressions": "search impressions by H",
    "ad_spend": "boosting ad spend (¥) by H",
    "link_clicks": "link taps by H",
    "store_visits": "Taobao store visits attributed to the note by H",
    # rates
    "read_rate": "reads per impression",
    "like_rate": "likes per read",
    "collect_rate": "saves per read",
    "comment_rate": "comments per read",
    "share_rate": "shares per read",
    "engagement_rate": "likes + saves + comments + shares per read",
    "collect_ratio": "saves per like (藏赞比)",
    "search_share": "search impressions per impression",
    "link_click_rate": "link taps per read",
    "store_visit_rate": "store visits per read",
    "ad_spend_per_1k_impressions": "ad spend per 1,000 impressions (¥)",
    # early trend
    "impressions_first_day_share": "share of impressions on the publish day",
    "reads_first_day_share": "share of reads on the publish day",
    "collects_first_day_share": "share of saves on the publish day",
    "impressions_last_day_share": "share of impressions on the last observed day",
    "reads_last_day_share": "share of reads on the last observed day",
    "collects_last_day_share": "share of saves on the last observed day",
    "days_observed": "calendar days with complete signals by H",
    "hours_first_day": "hours the note lived on its publish day",
    # note
    "format": "image (图文) or video",
    "price": "list price (¥)",
    "price_vs_industry": "price relative to the industry's median price",
    "text_length": "body text length",
    "n_images": "images",
    "paid_collab": "paid creator collaboration (蒲公英)",
    "linked": "种草直达 link attached by H",
    "hours_to_link": "hours from publishing to the link (if linked by H)",
    "publish_hour": "hour of day published",
    # in-app orders (first-party, known at once)
    "inapp_orders": "in-app orders placed by H",
    "inapp_gmv": "in-app GMV (¥) placed by H",
    # creator
    "followers": "creator's followers",
    "tier": "creator tier",
    # merchant
    "industry": "merchant's industry",
    "has_inapp_store": "merchant has an in-app store",
    "enterprise_account": "merchant has an enterprise account (企业号)",
    "merchant_daily_ad_spend": "merchant's mean daily ad spend before launch (¥)",
    "merchant_funnel_budget": "merchant's full-funnel budget (¥)",
    "merchant_enrolled": "merchant enrolled in Red Cat by H",
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURE_DESCRIPTIONS)
CATEGORICAL_FEATURES: tuple[str, ...] = tuple(CATEGORY_LEVELS)

# Source columns each feature is built from (to name what is missing when scoring new data).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "notes": (
        "note_id",
        "merchant_id",
        "creator_id",
        "publish_time",
        "format",
        "text_length",
        "n_images",
        "price",
        "paid_collab",
        "link_time",
    ),
    "note_daily": ("note_id", "date", *SUMMED_SIGNALS),
    "inapp_orders": ("note_id", "order_time", "gmv"),
    "creators": ("creator_id", "followers", "tier"),
    "merchants": (
        "merchant_id",
        "industry",
        "has_inapp_store",
        "enterprise_account",
        "pre_daily_ad_spend",
        "funnel_budget",
        "enrolled_date",
    ),
}


class MissingFeatureData(ValueError):
    """The data lacks a table or column a feature is built from."""


class TablesLike(Protocol):
    notes: pd.DataFrame
    note_daily: pd.DataFrame
    inapp_orders: pd.DataFrame
    creators: pd.DataFrame
    merchants: pd.DataFrame


@dataclass(frozen=True)
class FeatureTables:
    """The four tables features are built from; `of(data, notes)` narrows to some notes."""

    notes: pd.DataFrame
    note_daily: pd.DataFrame
    inapp_orders: pd.DataFrame
    creators: pd.DataFrame
    merchants: pd.DataFrame
    # The loaded dataset's fingerprint (set by `of`): features of fingerprinted tables are
    # cached on disk (redcat.engine.cache); tables assembled by hand have none and are not.
    fingerprint: str | None = None
    # The dataset's folder (set by `of`): on a Dask cluster the workers read note_daily there.
    folder: Path | None = None

    @classmethod
    def of(cls, data: TablesLike, notes: pd.DataFrame | None = None) -> FeatureTables:
        return cls(
            notes=data.notes if notes is None else notes,
            note_daily=data.note_daily,
            inapp_orders=data.inapp_orders,
            creators=data.creators,
            merchants=data.merchants,
            fingerprint=getattr(data, "fingerprint", None),
            folder=getattr(data, "folder", None),
        )


@dataclass(frozen=True)
class FeatureReference:
    """Yardsticks fitted on training notes and reused unchanged when scoring."""

    industry_median_price: dict[str, float] = field(default_factory=dict)
    overall_median_price: float = float("nan")

    @classmethod
    def fit(cls, notes: pd.DataFrame, merchants: pd.DataFrame) -> FeatureReference:
        industry = notes["merchant_id"].map(merchants.set_index("merchant_id")["industry"])
        medians = notes["price"].groupby(industry.to_numpy()).median()
        return cls(
            industry_median_price={str(k): float(v) for k, v in medians.items()},
            overall_median_price=float(notes["price"].median()) if len(notes) else float("nan"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "industry_median_price": dict(sorted(self.industry_median_price.items())),
            "overall_median_price": self.overall_median_price,
        }

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> FeatureReference:
        return cls(
            industry_median_price={
                str(k): float(v) for k, v in payload["industry_median_price"].items()
            },
            overall_median_price=float(payload["overall_median_price"]),
        )


def check_feature_inputs(data: TablesLike) -> None:
    """Raise MissingFeatureData naming every table or column the features need but lack."""
    missing = []
    for table, columns in REQUIRED_COLUMNS.items():
        frame = getattr(data, table, None)
        if frame is None:
            missing.append(f"table {table!r}")
            continue
        missing.extend(f"{table}.{col}" for col in columns if col not in frame.columns)
    if missing:
        raise MissingFeatureData(
            "the data lacks what the conversion features are built from: " + ", ".join(missing)
        )


def feature_cutoff(notes: pd.DataFrame, horizon_hours: int) -> pd.Series:
    """The instant each note's features are taken: publish_time + H."""
    return notes["publish_time"] + pd.Timedelta(hours=horizon_hours)


def features_complete(notes: pd.DataFrame, horizon_hours: int, as_of: pd.Timestamp) -> pd.Series:
    """Whether H hours have passed by `as_of`, so the note's features are final."""
    return feature_cutoff(notes, horizon_hours) <= as_of


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, missing (NaN) where nothing was observed: a rate of 0/0 is unknown, not 0."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _day_number(values: pd.Series) -> np.ndarray:
    """Whole days since the epoch for timestamps (floored) or dates."""
    return values.to_numpy("datetime64[ns]").astype("datetime64[D]").astype("int64")


def daily_signals_by_cutoff(
    notes: pd.DataFrame,
    note_daily: pd.DataFrame,
    horizon_hours: int,
    engine: str = "auto",
    source: Path | None = None,
) -> pd.DataFrame:
    """Per note (rows in `notes` order): signal sums, first/last observed day, days observed.

    The observed rows are selected by DuckDB on large tables (numpy on small ones) and summed
    per note in one fixed order, so every engine gives identical sums (redcat.engine.signals).
    `source`, the table's parquet file, lets a run on a Dask cluster read it on the workers.
    """
    rows = observed_rows(notes, note_daily, horizon_hours, SUMMED_SIGNALS, engine, source)
    return signals_frame(notes, rows, horizon_hours)


def signals_frame(notes: pd.DataFrame, rows: ObservedRows, horizon_hours: int) -> pd.DataFrame:
    """The per-note signal frame from the observed daily rows (any engine's)."""
    publish_day, cutoff_day = note_windows(notes, horizon_hours)
    out = sum_by_note(rows, publish_day, cutoff_day, SUMMED_SIGNALS, TREND_SIGNALS)
    return pd.DataFrame(out, index=notes.index)


def inapp_orders_by_cutoff(
    notes: pd.DataFrame, inapp_orders: pd.DataFrame, horizon_hours: int
) -> pd.DataFrame:
    """Per note (rows in `notes` order): in-app orders and GMV placed from publishing to the cutoff."""
    n = len(notes)
    position = pd.Index(notes["note_id"]).get_indexer(inapp_orders["note_id"])
    known = position >= 0
    safe = np.where(known, position, 0)
    when = inapp_orders["order_time"].to_numpy("datetime64[ns]")
    publish = notes["publish_time"].to_numpy("datetime64[ns]")[safe]
    cutoff = feature_cutoff(notes, horizon_hours).to_numpy("datetime64[ns]")[safe]
    keep = known & (when >= publish) & (when <= cutoff)
    gmv = inapp_orders["gmv"].to_numpy("float64", na_value=0.0)
    return pd.DataFrame(
        {
            "inapp_orders": np.bincount(position[keep], minlength=n).astype("float64"),
            "inapp_gmv": np.bincount(position[keep], weights=gmv[keep], minlength=n),
        },
        index=notes.index,
    )


def _lookup(keys: pd.Series, table: pd.DataFrame, key: str):
    """`column -> table[column]` aligned to `keys` (missing where a key is absent), like
    `keys.map(table.set_index(key)[column])` but hashing the keys once for every column."""
    position = pd.Index(table[key]).get_indexer(keys)

    def column(name: str) -> pd.Series:
        values = pd.api.extensions.take(table[name].to_numpy(), position, allow_fill=True)
        return pd.Series(values, index=keys.index, name=name)

    return column


def _category(values: pd.Series, name: str) -> pd.Categorical:
    return pd.Categorical(values.astype("object"), categories=list(CATEGORY_LEVELS[name]))


def build_features(
    data: TablesLike, horizon_hours: int, reference: FeatureReference | None = None
) -> pd.DataFrame:
    """The feature table: one row per note (index note_id), columns FEATURE_NAMES in order.

    `reference` defaults to one fitted on all of `data`'s notes; pass the training reference
    when building features for a model (training and scoring must share one yardstick).
    Features of a loaded dataset are cached on disk per data fingerprint, notes, H, reference
    and feature code (redcat.engine.cache), so a re-run does not rebuild them.
    """
    check_feature_inputs(data)
    if reference is None:
        reference = FeatureReference.fit(data.notes.reset_index(drop=True), data.merchants)
    return FeatureCache().get_or_build(
        getattr(data, "fingerprint", None),
        data.notes[list(REQUIRED_COLUMNS["notes"])],
        {"horizon_hours": horizon_hours, "reference": reference.to_dict()},
        lambda: _compute_features(data, horizon_hours, reference),
    )


def _compute_features(
    data: TablesLike, horizon_hours: int, reference: FeatureReference
) -> pd.DataFrame:
    notes = data.notes.reset_index(drop=True)
    cutoff = feature_cutoff(notes, horizon_hours)
    folder = getattr(data, "folder", None)
    source = Path(folder) / "note_daily.parquet" if folder is not None else None
    signals = daily_signals_by_cutoff(notes, data.note_daily, horizon_hours, source=source)

    f = pd.DataFrame(index=pd.Index(notes["note_id"].astype(str), name="note_id"))
    for col in SUMMED_SIGNALS:
        f[col] = signals[col].to_numpy()
    reads = signals["reads"].to_numpy()
    impressions = signals["impressions"].to_numpy()
    f["read_rate"] = _safe_ratio(reads, impressions)
    for col in ("likes", "collects", "comments", "shares"):
        f[f"{col[:-1]}_rate"] = _safe_ratio(signals[col], reads)
    engagement = signals[["likes", "collects", "comments", "shares"]].sum(axis=1).to_numpy()
    f["engagement_rate"] = _safe_ratio(engagement, reads)
    f["collect_ratio"] = _safe_ratio(signals["collects"], signals["likes"])
    f["search_share"] = _safe_ratio(signals["search_impressions"], impressions)
    f["link_click_rate"] = _safe_ratio(signals["link_clicks"], reads)
    f["store_visit_rate"] = _safe_ratio(signals["store_visits"], reads)
    f["ad_spend_per_1k_impressions"] = 1000.0 * _safe_ratio(signals["ad_spend"], impressions)
    for col in TREND_SIGNALS:
        f[f"{col}_first_day_share"] = _safe_ratio(signals[f"{col}_first_day"], signals[col])
    for col in TREND_SIGNALS:
        f[f"{col}_last_day_share"] = _safe_ratio(signals[f"{col}_last_day"], signals[col])
    f["days_observed"] = signals["days_observed"].to_numpy()
    publish = notes["publish_time"]
    hours_lived = (publish.dt.normalize() + DAY - publish) / pd.Timedelta(hours=1)
    f["hours_first_day"] = np.minimum(hours_lived, float(horizon_hours)).to_numpy()

    # --- the note -------------------------------------------------------------------------
    merchant = _lookup(notes["merchant_id"], data.merchants, "merchant_id")
    industry = merchant("industry")
    f["format"] = _category(notes["format"], "format")
    price = notes["price"].to_numpy("float64")
    f["price"] = price
    typical = industry.map(reference.industry_median_price).astype("float64")
    typical = typical.fillna(reference.overall_median_price).to_numpy()
    f["price_vs_industry"] = _safe_ratio(price, typical)
    f["text_length"] = notes["text_length"].to_numpy("float64")
    f["n_images"] = notes["n_images"].to_numpy("float64")
    f["paid_collab"] = notes["paid_collab"].astype("float64").to_numpy()
    link_time = notes["link_time"]
    linked = (link_time.notna() & (link_time <= cutoff)).to_numpy()
    f["linked"] = linked.astype("float64")
    hours_to_link = ((link_time - publish) / pd.Timedelta(hours=1)).clip(lower=0)
    f["hours_to_link"] = np.where(
        linked, hours_to_link.to_numpy("float64", na_value=np.nan), np.nan
    )
    f["publish_hour"] = publish.dt.hour.to_numpy("float64")

    # --- in-app orders ---------------------------------------------------------------------
    inapp = inapp_orders_by_cutoff(notes, data.inapp_orders, horizon_hours)
    f["inapp_orders"] = inapp["inapp_orders"].to_numpy()
    f["inapp_gmv"] = inapp["inapp_gmv"].to_numpy()

    # --- the creator ------------------------------------------------------------------------
    creator = _lookup(notes["creator_id"], data.creators, "creator_id")
    f["followers"] = creator("followers").to_numpy("float64")
    f["tier"] = _category(creator("tier"), "tier")

    # --- the merchant -----------------------------------------------------------------------
    f["industry"] = _category(industry, "industry")
    for target, source in (
        ("has_inapp_store", "has_inapp_store"),
        ("enterprise_account", "enterprise_account"),
    ):
        f[target] = merchant(source).astype("float64").to_numpy()
    f["merchant_daily_ad_spend"] = merchant("pre_daily_ad_spend").to_numpy("float64")
    f["merchant_funnel_budget"] = merchant("funnel_budget").to_numpy("float64")
    enrolled = merchant("enrolled_date")
    f["merchant_enrolled"] = (enrolled.notna() & (enrolled <= cutoff)).astype("float64").to_numpy()
    return f[list(FEATURE_NAMES)]


def festival_share(publish_time: pd.Series, window_days: int, festivals=FESTIVALS) -> np.ndarray:
    """Share of each note's W-day attribution window that falls on festival days.

    The window is the W calendar days from the publish day on; festival days come from the
    calendar merchants know in advance (config.FESTIVALS), so this is known at publishing.
    Not a booster feature (training notes may predate every festival, and trees cannot carry
    an effect past the range they saw): the conversion model's calibrator uses it
    (redcat.modeling.calibration, method "cloglog_calendar").
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    first_day = _day_number(pd.Series(publish_time))
    days = first_day[:, None] + np.arange(window_days)[None, :]
    inside = np.zeros(days.shape, dtype=bool)
    for start, end in festivals:
        lo, hi = (np.datetime64(d, "D").astype("int64") for d in (start, end))
        inside |= (days >= lo) & (days <= hi)
    return inside.mean(axis=1)
