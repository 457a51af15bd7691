"""A tiny hand-built dataset whose overview numbers can be worked out by hand, and a stand-in
for the run context (`redcat.notebook.RunContext`) with the attributes the sections use.

The run date is 2025-06-15; window 14 days, horizon 72 hours. The notes:
  n1  m1 (enrolled)  published 05-20 10:00, link after 24 h   -> linked, window complete
  n2  m1             published 05-20 12:00, link after 120 h  -> late link (unlinked at H=72)
  n3  m2 (eligible)  published 05-22 09:00, no link           -> unlinked
  n4  m3 (beauty)    published 06-10 08:00, no link           -> window still open
  n5  m1             published 06-14 08:00, link after 1 h    -> linked, window still open
  n6  m1             published 06-20 (after the run date)      -> not seen at all
  n7  m1             published 05-01, link on 06-20 (unseen)   -> unlinked, before launch
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pandas as pd

AS_OF = pd.Timestamp("2025-06-15") + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
WINDOW_DAYS = 14
HORIZON_HOURS = 72

TS = "datetime64[ns]"


def _ts(values) -> pd.Series:
    return pd.Series(pd.to_datetime(values), dtype=TS)


def merchants() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "merchant_id": ["m1", "m2", "m3", "m4", "m5", "m6"],
            "industry": ["fmcg", "fmcg", "beauty", "health", "sports_outdoor", "health"],
            "has_inapp_store": [True, True, True, False, True, True],
            "enterprise_account": [True, True, True, False, True, True],
            "pre_daily_ad_spend": [6000.0, 6000.0, 10000.0, 9000.0, 4999.99, 5000.0],
            "funnel_budget": [60000.0, 60000.0, 100000.0, 90000.0, 80000.0, 50000.0],
            "enrolled_date": _ts(["2025-05-12", None, None, None, None, "2025-06-20"]),
        }
    )


def creators() -> pd.DataFrame:
    return pd.DataFrame(
        {"creator_id": ["c1", "c2"], "followers": [1000, 50], "tier": ["koc", "amateur"]}
    )


def notes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "note_id": ["n1", "n2", "n3", "n4", "n5", "n6", "n7"],
            "merchant_id": ["m1", "m1", "m2", "m3", "m1", "m1", "m1"],
            "creator_id": ["c1", "c2", "c1", "c2", "c1", "c1", "c2"],
            "publish_time": _ts(
                [
                    "2025-05-20 10:00",
                    "2025-05-20 12:00",
                    "2025-05-22 09:00",
                    "2025-06-10 08:00",
                    "2025-06-14 08:00",
                    "2025-06-20 08:00",
                    "2025-05-01 08:00",
                ]
            ),
            "format": ["image", "video", "image", "image", "video", "image", "image"],
            "title": [
                "<script>alert(1)</script>",
                '"><img src=x onerror=alert(1)>',
                "防晒霜 & 小白鞋",
                "plain",
                "plain",
                "plain",
                "plain",
            ],
            "text_length": [100, 200, 300, 50, 60, 70, 80],
            "n_images": [3, 0, 5, 1, 0, 2, 4],
            "topic": ["skincare", "sport", "food", "beauty", "sport", "food", "food"],
            "price": [99.0, 199.0, 59.0, 299.0, 129.0, 19.0, 9.9],
            "paid_collab": [True, False, False, True, False, False, False],
            "link_time": _ts(
                [
                    "2025-05-21 10:00",
                    "2025-05-25 12:00",
                    None,
                    None,
                    "2025-06-14 09:00",
                    "2025-06-20 09:00",
                    "2025-06-20 09:00",
                ]
            ),
        }
    )


def _daily(note_id: str, first_day: str, days: int, **values: float) -> pd.DataFrame:
    row = {
        "impressions": 0, "reads": 0, "likes": 0, "collects": 0, "comments": 0, "shares": 0,
        "search_impressions": 0, "ad_spend": 0.0, "link_clicks": 0, "store_visits": 0,
    } | values  # fmt: skip
    dates = pd.date_range(first_day, periods=days, freq="D")
    return pd.DataFrame({"note_id": note_id, "date": dates, **row})


def note_daily() -> pd.DataFrame:
    frame = pd.concat(
        [
            # 16 days of rows; the 14-day window counts days 0..13 only.
            _daily(
                "n1",
                "2025-05-20",
                16,
                impressions=100,
                reads=10,
                likes=2,
                collects=1,
                comments=1,
                search_impressions=5,
                ad_spend=50.0,
                link_clicks=3,
                store_visits=2,
            ),  # fmt: skip
            _daily(
                "n2",
                "2025-05-20",
                3,
                impressions=200,
                reads=20,
                likes=5,
                collects=5,
                store_visits=1,
            ),  # fmt: skip
            _daily(
                "n3",
                "2025-05-22",
                1,
                impressions=1000,
                reads=50,
                likes=10,
                collects=10,
                comments=5,
                shares=5,
                ad_spend=100.0,
                store_visits=4,
            ),  # fmt: skip
            _daily("n4", "2025-06-10", 6, impressions=10, reads=1),
            _daily("n5", "2025-06-14", 2, impressions=10, reads=1, link_clicks=1),
        ],
        ignore_index=True,
    )
    return frame.astype({"date": TS})


def inapp_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "note_id": ["n1", "n1", "n3", "n1"],
            # o2 is exactly publish + 14 days: outside the half-open window.
            "order_time": _ts(
                ["2025-05-21 12:00", "2025-06-03 10:00", "2025-05-23 08:00", "2025-06-03 09:59"]
            ),
            "gmv": [100.0, 999.0, 50.0, 20.0],
        }
    )


def offsite_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["f1", "f2", "f3", "f4"],
            "note_id": ["n1", "n1", "n3", "n2"],
            "order_time": _ts(
                ["2025-05-22 10:00", "2025-05-30 10:00", "2025-05-24 10:00", "2025-05-21 10:00"]
            ),
            # f2 is reported back after the run date: the run must not see it.
            "reported_time": _ts(
                ["2025-05-25 10:00", "2025-06-20 10:00", "2025-05-26 10:00", "2025-05-22 10:00"]
            ),
            "channel": ["link", "link", "search", "search"],
            "gmv": [300.0, 7777.0, 80.0, 40.0],
        }
    )


def merchant_daily() -> pd.DataFrame:
    days = pd.date_range("2025-06-13", "2025-06-16", freq="D")  # 06-16 is after the run date
    rows = []
    for merchant, gmv in (("m1", 100.0), ("m2", 200.0), ("m3", 300.0), ("m6", 400.0)):
        rows += [
            {"merchant_id": merchant, "date": d, "inapp_gmv": gmv, "ad_spend": 10.0} for d in days
        ]
    return pd.DataFrame(rows).astype({"date": TS})


def dataset() -> SimpleNamespace:
    """Stand-in for redcat.data.Dataset: one frame per contract table."""
    return SimpleNamespace(
        merchants=merchants(),
        creators=creators(),
        notes=notes(),
        note_daily=note_daily(),
        inapp_orders=inapp_orders(),
        offsite_orders=offsite_orders(),
        merchant_daily=merchant_daily(),
    )


@dataclass
class FakeValidation:
    ok: bool = True
    text: str = "OK: 7 tables"

    def format(self) -> str:
        return self.text


@dataclass
class FakeRun:
    """Temporary stand-in for redcat.notebook.RunContext (same attribute names)."""

    data: Any = field(default_factory=dataset)
    params: Any = field(
        default_factory=lambda: SimpleNamespace(
            window_days=WINDOW_DAYS, horizon_hours=HORIZON_HOURS, language="zh"
        )
    )
    validation: Any = field(default_factory=FakeValidation)
    as_of: pd.Timestamp = AS_OF
    language: str = "zh"
    recorded: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)

    def record(self, key: str, value: Any) -> None:
        self.recorded[key] = value

    def save_table(self, name: str, frame: pd.DataFrame) -> None:
        self.tables[name] = frame
