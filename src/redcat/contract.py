"""The data contract (shared/data-contract.md) as data: tables, columns, kinds and rules.

This module is the single source of truth for what a dataset looks like. The simulator writes
these tables, `redcat.data` checks and types them, and every later stage reads them. It holds
no logic beyond the description itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from redcat.config import CREATOR_TIERS, INDUSTRIES, NOTE_FORMATS, OFFSITE_CHANNELS

Kind = Literal["string", "bool", "int", "float", "timestamp", "date"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False
    unique: bool = False
    min_value: float | None = None  # inclusive lower bound
    positive: bool = False  # strictly greater than zero
    allowed: tuple[str, ...] | None = None
    references: tuple[str, str] | None = None  # (table, column) this is a foreign key to
    required: bool = True  # optional columns may be absent


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    description: str = ""
    # A file with a header and no rows is legitimate only where "none happened" is a real world
    # (no off-site orders yet); a dataset without merchants, notes or daily rows cannot be analysed.
    allow_empty: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _count(name: str) -> Column:
    return Column(name, "int", min_value=0)


def _money(name: str) -> Column:
    return Column(name, "float", min_value=0)


SIGNAL_COLUMNS = (
    "impressions",
    "reads",
    "likes",
    "collects",
    "comments",
    "shares",
    "search_impressions",
)

MERCHANTS = Table(
    "merchants",
    (
        Column("merchant_id", "string", unique=True),
        Column("industry", "string", allowed=INDUSTRIES),
        Column("has_inapp_store", "bool"),
        Column("enterprise_account", "bool"),
        _money("pre_daily_ad_spend"),
        _money("funnel_budget"),
        Column("enrolled_date", "date", nullable=True),
    ),
    primary_key=("merchant_id",),
    description="one row per merchant (brand shop)",
)

CREATORS = Table(
    "creators",
    (
        Column("creator_id", "string", unique=True),
        Column("followers", "int", min_value=0),
        Column("tier", "string", allowed=CREATOR_TIERS),
    ),
    primary_key=("creator_id",),
    description="one row per creator",
)

NOTES = Table(
    "notes",
    (
        Column("note_id", "string", unique=True),
        Column("merchant_id", "string", references=("merchants", "merchant_id")),
        Column("creator_id", "string", references=("creators", "creator_id")),
        Column("publish_time", "timestamp"),
        Column("format", "string", allowed=NOTE_FORMATS),
        Column("title", "string", nullable=True, required=False),
        Column("text_length", "int", min_value=0),
        Column("n_images", "int", min_value=0),
        Column("topic", "string"),
        Column("price", "float", positive=True),
        Column("paid_collab", "bool"),
        Column("link_time", "timestamp", nullable=True),
    ),
    primary_key=("note_id",),
    description="one row per seeding note",
)

NOTE_DAILY = Table(
    "note_daily",
    (
        Column("note_id", "string", references=("notes", "note_id")),
        Column("date", "date"),
        *(_count(c) for c in SIGNAL_COLUMNS),
        _money("ad_spend"),
        _count("link_clicks"),
        _count("store_visits"),
    ),
    primary_key=("note_id", "date"),
    description="one row per note per day, from the publish day on",
)

INAPP_ORDERS = Table(
    "inapp_orders",
    (
        Column("order_id", "string", unique=True),
        Column("note_id", "string", references=("notes", "note_id")),
        Column("order_time", "timestamp"),
        _money("gmv"),
    ),
    primary_key=("order_id",),
    description="one row per in-app order attributed to a note",
    allow_empty=True,
)

OFFSITE_ORDERS = Table(
    "offsite_orders",
    (
        Column("order_id", "string", unique=True),
        Column("note_id", "string", references=("notes", "note_id")),
        Column("order_time", "timestamp"),
        Column("reported_time", "timestamp"),
        Column("channel", "string", allowed=OFFSITE_CHANNELS),
        _money("gmv"),
    ),
    primary_key=("order_id",),
    description="one row per off-site (Taobao) order attributed back to a note",
    allow_empty=True,
)

MERCHANT_DAILY = Table(
    "merchant_daily",
    (
        Column("merchant_id", "string", references=("merchants", "merchant_id")),
        Column("date", "date"),
        _money("inapp_gmv"),
        _money("ad_spend"),
    ),
    primary_key=("merchant_id", "date"),
    description="one row per merchant per day",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        MERCHANTS,
        CREATORS,
        NOTES,
        NOTE_DAILY,
        INAPP_ORDERS,
        OFFSITE_ORDERS,
        MERCHANT_DAILY,
    )
}
TABLE_ORDER = tuple(TABLES)  # parents before children: the order to read and check them in
FILE_SUFFIXES = (".parquet", ".csv")

# results.json keys the contract requires (shared/data-contract.md, "What a run writes").
EFFECT_KEYS = (
    "cannibalization.note_inapp_gmv",
    "cannibalization.note_offsite_gmv",
    "cannibalization.ratio",
    "cannibalization.merchant_inapp_pct",
)
METRIC_KEYS = (
    "conversion.test_auc",
    "conversion.test_logloss",
    "conversion.test_pr_auc",
)
