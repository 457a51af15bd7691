"""A tiny, hand-built dataset that meets the data contract, for tests of anything that reads one.

Independent of the simulator: four merchants (two enrolled), three creators, six notes (three
linked), their daily rows up to DATA_END, a few orders of each kind and the merchants' daily
GMV. Every value is chosen by hand or from a fixed seed, so tests can rely on it.

    tables = make_valid_tables()
    tables["notes"].loc[0, "price"] = 0.0         # break one rule
    write_tables(tables, tmp_path, fmt="csv")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA_START = pd.Timestamp("2025-05-08")
DATA_END = pd.Timestamp("2025-05-18")
FORMATS = ("parquet", "csv")


def _ts(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")


def _str(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def make_merchants() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "merchant_id": _str(["m1", "m2", "m3", "m4"]),
            "industry": _str(["fmcg", "health", "beauty", "other"]),
            "has_inapp_store": [True, True, False, True],
            "enterprise_account": [True, False, True, False],
            "pre_daily_ad_spend": [8000.0, 5200.5, 300.0, 0.0],
            "funnel_budget": [120000.0, 60000.0, 0.0, 10000.0],
            "enrolled_date": _ts(["2025-05-12", "2025-05-14", None, None]),
        }
    )


def make_creators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "creator_id": _str(["c1", "c2", "c3"]),
            "followers": np.array([1_250_000, 8_000, 120], dtype=np.int64),
            "tier": _str(["head", "koc", "amateur"]),
        }
    )


def make_notes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "note_id": _str(["n1", "n2", "n3", "n4", "n5", "n6"]),
            "merchant_id": _str(["m1", "m1", "m2", "m3", "m4", "m2"]),
            "creator_id": _str(["c1", "c2", "c3", "c1", "c2", "c3"]),
            "publish_time": _ts(
                [
                    "2025-05-12 09:30:00",
                    "2025-05-13 20:00:00",
                    "2025-05-11 10:00:00",
                    "2025-05-12 18:00:00",
                    "2025-05-14 07:00:00",
                    "2025-05-15 11:00:00",
                ]
            ),
            "format": _str(["video", "image", "image", "video", "image", "video"]),
            "title": _str(
                ["夏日防晒", "跑鞋测评, 真实体验", '"维C" 30天', "口红试色", None, "露营清单"]
            ),
            "text_length": np.array([320, 850, 410, 95, 0, 600], dtype=np.int64),
            "n_images": np.array([0, 9, 6, 0, 3, 0], dtype=np.int64),
            "topic": _str(["skincare", "sports", "health", "makeup", "home", "outdoor"]),
            "price": [89.0, 459.0, 129.9, 199.0, 35.5, 268.0],
            "paid_collab": [True, False, False, True, False, True],
            # n3 is linked at the very midnight its merchant enrols; n4-n6 are never linked.
            "link_time": _ts(
                [
                    "2025-05-12 12:00:00",
                    "2025-05-15 08:00:00",
                    "2025-05-14 00:00:00",
                    None,
                    None,
                    None,
                ]
            ),
        }
    )


def make_note_daily(notes: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(20250512)
    frames = []
    for note in notes.itertuples():
        days = pd.date_range(note.publish_time.normalize(), DATA_END, freq="D")
        n = len(days)
        counts = {
            name: rng.integers(low, high, n).astype(np.int64)
            for name, low, high in (
                ("impressions", 200, 5000),
                ("reads", 20, 400),
                ("likes", 0, 60),
                ("collects", 0, 30),
                ("comments", 0, 10),
                ("shares", 0, 8),
                ("search_impressions", 0, 300),
            )
        }
        linked_from = note.link_time.normalize() if pd.notna(note.link_time) else None
        on_link = np.asarray(days >= linked_from) if linked_from is not None else np.zeros(n, bool)
        frames.append(
            pd.DataFrame(
                {
                    "note_id": note.note_id,
                    "date": days.astype("datetime64[ns]"),
                    **counts,
                    "ad_spend": np.round(rng.uniform(0, 300, n), 2),
                    "link_clicks": np.where(on_link, rng.integers(1, 40, n), 0).astype(np.int64),
                    "store_visits": rng.integers(0, 25, n).astype(np.int64),
                }
            )
        )
    daily = pd.concat(frames, ignore_index=True)
    daily["note_id"] = daily["note_id"].astype("str")
    return daily


def make_inapp_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": _str(["i1", "i2", "i3", "i4", "i5"]),
            "note_id": _str(["n1", "n1", "n3", "n4", "n6"]),
            "order_time": _ts(
                [
                    "2025-05-12 10:05:00",
                    "2025-05-14 21:30:00",
                    "2025-05-11 23:59:00",
                    "2025-05-16 12:00:00",
                    "2025-05-15 11:00:00",
                ]
            ),
            "gmv": [89.0, 178.0, 129.9, 199.0, 268.0],
        }
    )


def make_offsite_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": _str(["o1", "o2", "o3", "o4"]),
            "note_id": _str(["n1", "n2", "n3", "n5"]),
            "order_time": _ts(
                [
                    "2025-05-12 13:00:00",
                    "2025-05-16 09:00:00",
                    "2025-05-14 20:00:00",
                    "2025-05-14 08:00:00",
                ]
            ),
            "reported_time": _ts(
                [
                    "2025-05-13 02:00:00",
                    "2025-05-16 09:00:00",
                    "2025-05-17 06:00:00",
                    "2025-05-15 00:00:00",
                ]
            ),
            "channel": _str(["link", "link", "search", "search"]),
            "gmv": [95.0, 459.0, 0.0, 35.5],
        }
    )


def make_merchant_daily(merchants: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(618)
    days = pd.date_range(DATA_START, DATA_END, freq="D").astype("datetime64[ns]")
    ids = merchants["merchant_id"].to_numpy()
    return pd.DataFrame(
        {
            "merchant_id": pd.Series(np.repeat(ids, len(days)), dtype="str"),
            "date": np.tile(days.to_numpy(), len(ids)),
            "inapp_gmv": np.round(rng.uniform(0, 20000, len(ids) * len(days)), 2),
            "ad_spend": np.round(rng.uniform(0, 9000, len(ids) * len(days)), 2),
        }
    )


def make_valid_tables() -> dict[str, pd.DataFrame]:
    """Fresh frames of all seven contract tables, in contract order; they meet every rule."""
    merchants, notes = make_merchants(), make_notes()
    return {
        "merchants": merchants,
        "creators": make_creators(),
        "notes": notes,
        "note_daily": make_note_daily(notes),
        "inapp_orders": make_inapp_orders(),
        "offsite_orders": make_offsite_orders(),
        "merchant_daily": make_merchant_daily(merchants),
    }


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path, fmt: str = "parquet") -> Path:
    """Write each frame as `<table>.parquet` or `<table>.csv` (UTF-8, header) into `folder`."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "parquet":
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    return folder
