"""Turn the simulated arrays into the contract's tables (redcat.contract), as pandas frames.

Types: ids and labels are strings (`str`; the repeated ids of the big daily tables are
categoricals of strings, which Parquet stores dictionary-encoded), flags bool, counts int32 or
int64, money float64, timestamps and dates datetime64[us] (naive Beijing time; dates at
midnight), missing enrolled_date / link_time as NaT.
Rows the export could not contain are left out: orders placed after the data end, and off-site
orders reported after it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from redcat.config import CREATOR_TIERS, INDUSTRIES, NOTE_FORMATS
from redcat.contract import TABLES
from redcat.simulate.buyers import INAPP, LINK, SEARCH, Buyers
from redcat.simulate.creators import Creators
from redcat.simulate.mathx import make_ids
from redcat.simulate.merchant_daily import MerchantDaily, order_seconds
from redcat.simulate.merchants import Merchants
from redcat.simulate.notes import Notes
from redcat.simulate.signals import NoteDaily
from redcat.simulate.timeline import SECONDS_PER_DAY, Timeline


def build_tables(
    timeline: Timeline,
    merchants: Merchants,
    creators: Creators,
    notes: Notes,
    note_daily: NoteDaily,
    buyers: Buyers,
    daily: MerchantDaily,
) -> dict[str, pd.DataFrame]:
    tables = {
        "merchants": _merchants(timeline, merchants),
        "creators": _creators(creators),
        "notes": _notes(timeline, merchants, creators, notes),
        "note_daily": _note_daily(timeline, notes, note_daily),
        **_orders(timeline, notes, buyers),
        "merchant_daily": _merchant_daily(timeline, merchants, daily),
    }
    for name, frame in tables.items():  # the contract's columns first, in its order
        tables[name] = frame[
            TABLES[name].column_names + [c for c in frame if c not in TABLES[name].column_names]
        ]
    return tables


def _strings(array: pa.Array) -> pd.Series:
    return array.to_pandas()


def _category(ids: pa.Array, codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(ids.to_pandas()))


def _labels(names: tuple[str, ...], codes: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(names, dtype=object)[codes], dtype="str")


def _merchants(timeline: Timeline, m: Merchants) -> pd.DataFrame:
    enrolled = np.where(
        m.enrol_day >= 0, timeline.dates(np.maximum(m.enrol_day, 0)), np.datetime64("NaT")
    )
    return pd.DataFrame(
        {
            "merchant_id": _strings(m.ids),
            "industry": _labels(INDUSTRIES, m.industry),
            "has_inapp_store": m.has_store,
            "enterprise_account": m.enterprise,
            "pre_daily_ad_spend": m.pre_spend,
            "funnel_budget": m.budget,
            "enrolled_date": enrolled.astype("datetime64[us]"),
        }
    )


def _creators(c: Creators) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "creator_id": _strings(c.ids),
            "followers": c.followers,
            "tier": _labels(CREATOR_TIERS, c.tier),
        }
    )


def _notes(timeline: Timeline, m: Merchants, c: Creators, n: Notes) -> pd.DataFrame:
    link = np.where(
        n.link_sec >= 0, timeline.timestamps(np.maximum(n.link_sec, 0)), np.datetime64("NaT")
    )
    return pd.DataFrame(
        {
            "note_id": _strings(n.ids),
            "merchant_id": _strings(m.ids.take(pa.array(n.merchant))),
            "creator_id": _strings(c.ids.take(pa.array(n.creator))),
            "publish_time": timeline.timestamps(n.publish_sec),
            "format": _labels(NOTE_FORMATS, n.video.astype(np.int8)),
            "title": _strings(n.title),
            "text_length": n.text_length,
            "n_images": n.n_images,
            "topic": _strings(n.topic),
            "price": n.price,
            "paid_collab": n.paid,
            "link_time": link.astype("datetime64[us]"),
        }
    )


def _note_daily(timeline: Timeline, notes: Notes, d: NoteDaily) -> pd.DataFrame:
    columns = {"note_id": _category(notes.ids, d.note), "date": timeline.dates(d.day)}
    columns.update(d.counts)
    columns["ad_spend"] = d.ad_spend
    return pd.DataFrame(columns, copy=False)


def _orders(timeline: Timeline, notes: Notes, b: Buyers) -> dict[str, pd.DataFrame]:
    seconds = order_seconds(notes, b)
    in_data = seconds <= timeline.end_seconds

    inapp = np.flatnonzero(in_data & (b.channel == INAPP))
    inapp = inapp[np.lexsort((b.note[inapp], seconds[inapp]))]  # ids follow order time
    inapp_orders = pd.DataFrame(
        {
            "order_id": _strings(make_ids("IA", inapp.size)),
            "note_id": _strings(notes.ids.take(pa.array(b.note[inapp]))),
            "order_time": timeline.timestamps(seconds[inapp]),
            "gmv": b.gmv[inapp],
        }
    )

    reported = seconds + np.round(b.report_lag_days * SECONDS_PER_DAY).astype(np.int64)
    offsite_channel = (b.channel == SEARCH) | (b.channel == LINK)
    off = np.flatnonzero(in_data & offsite_channel & (reported <= timeline.end_seconds))
    off = off[np.lexsort((b.note[off], seconds[off]))]
    offsite_orders = pd.DataFrame(
        {
            "order_id": _strings(make_ids("OS", off.size)),
            "note_id": _strings(notes.ids.take(pa.array(b.note[off]))),
            "order_time": timeline.timestamps(seconds[off]),
            "reported_time": timeline.timestamps(reported[off]),
            "channel": pd.Series(np.where(b.channel[off] == LINK, "link", "search"), dtype="str"),
            "gmv": b.gmv[off],
        }
    )
    return {"inapp_orders": inapp_orders, "offsite_orders": offsite_orders}


def _merchant_daily(timeline: Timeline, m: Merchants, d: MerchantDaily) -> pd.DataFrame:
    n_m, n_d = d.inapp_gmv.shape
    return pd.DataFrame(
        {
            "merchant_id": _category(m.ids, np.repeat(np.arange(n_m, dtype=np.int32), n_d)),
            "date": timeline.dates(np.tile(np.arange(n_d), n_m)),
            "inapp_gmv": d.inapp_gmv.ravel(),
            "ad_spend": d.ad_spend.ravel(),
        },
        copy=False,
    )
