"""Rules across tables: foreign keys, and the order in which things can happen.

Every rule is vectorized: each child row is matched to its parent row once (Arrow's hash
lookup, about a second for 30M note_daily rows), then parent values are gathered with numpy
and compared. Rules whose tables or columns are missing are skipped; that absence is reported
by the per-table checks already. Rows whose parent is missing are left to the foreign-key rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from redcat.contract import TABLES
from redcat.data.report import MAX_EXAMPLES, Problem, examples_at, examples_where

ParentRows = dict[tuple[str, str], np.ndarray]  # (child table, column) -> parent row, -1 if none


def relation_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    parents: ParentRows = {}
    problems = foreign_key_problems(frames, parents)
    problems += link_problems(frames, parents)
    problems += order_problems(frames, parents)
    problems += note_daily_problems(frames, parents)
    return problems


def foreign_key_problems(frames: dict[str, pd.DataFrame], parents: ParentRows) -> list[Problem]:
    """Every contract reference, checked; the matched parent rows are kept in `parents`."""
    problems = []
    for spec in TABLES.values():
        child = frames.get(spec.name)
        if child is None:
            continue
        for column in spec.columns:
            if column.references is None or column.name not in child:
                continue
            parent_table, parent_column = column.references
            parent = frames.get(parent_table)
            if parent is None or parent_column not in parent:
                continue
            rows = parent_rows(child[column.name], parent[parent_column])
            parents[(spec.name, column.name)] = rows
            dangling = (rows < 0) & child[column.name].notna().to_numpy()
            if dangling.any():
                count, examples = examples_where(child, dangling, [*spec.primary_key, column.name])
                problems.append(
                    Problem(
                        spec.name,
                        column.name,
                        "foreign_key",
                        count,
                        f"{count:,} row(s) reference a {parent_column} that is not in {parent_table}",
                        examples,
                    )
                )
    return problems


def link_problems(frames: dict[str, pd.DataFrame], parents: ParentRows) -> list[Problem]:
    """Links exist only for enrolled merchants, from their enrolled_date on, and after publishing."""
    notes = frames.get("notes")
    if notes is None or "link_time" not in notes:
        return []
    problems = []
    link = _times(notes, "link_time")
    linked = ~np.isnat(link)
    shown = ["note_id", "merchant_id", "link_time", "publish_time"]

    if "publish_time" in notes:
        early = link < _times(notes, "publish_time")  # NaT compares False
        problems += _problem(
            notes,
            "notes",
            "link_time",
            "link_before_publish",
            early,
            shown,
            "note(s) have a link_time before their publish_time",
        )

    merchants = frames.get("merchants")
    rows = parents.get(("notes", "merchant_id"))
    if merchants is not None and rows is not None and "enrolled_date" in merchants:
        enrolled_dates = _times(merchants, "enrolled_date")
        enrolled = gather(enrolled_dates, rows, NAT)
        never = linked & (rows >= 0) & np.isnat(enrolled)
        lookup = {"enrolled_date": (enrolled_dates, rows)}
        problems += _problem(
            notes,
            "notes",
            "link_time",
            "link_not_enrolled",
            never,
            shown,
            "note(s) have a link_time but their merchant never enrolled (no enrolled_date)",
            lookup,
        )
        problems += _problem(
            notes,
            "notes",
            "link_time",
            "link_before_enrolment",
            link < enrolled,  # compared to the enrolment day's midnight
            shown,
            "note(s) were linked before their merchant's enrolled_date",
            lookup,
        )
    return problems


def order_problems(frames: dict[str, pd.DataFrame], parents: ParentRows) -> list[Problem]:
    """Orders follow their note's publishing; off-site orders are reported after being placed."""
    problems = []
    notes = frames.get("notes")
    for table in ("inapp_orders", "offsite_orders"):
        orders = frames.get(table)
        if orders is None or "order_time" not in orders:
            continue
        shown = ["order_id", "note_id", "order_time"]
        ordered = _times(orders, "order_time")
        if table == "offsite_orders" and "reported_time" in orders:
            problems += _problem(
                orders,
                table,
                "reported_time",
                "reported_before_order",
                _times(orders, "reported_time") < ordered,
                [*shown, "reported_time"],
                "order(s) have a reported_time before their order_time",
            )
        rows = parents.get((table, "note_id"))
        if notes is not None and rows is not None and "publish_time" in notes:
            publish = _times(notes, "publish_time")
            problems += _problem(
                orders,
                table,
                "order_time",
                "order_before_publish",
                ordered < gather(publish, rows, NAT),
                shown,
                "order(s) were placed before their note's publish_time",
                {"publish_time": (publish, rows)},
            )
    return problems


def note_daily_problems(frames: dict[str, pd.DataFrame], parents: ParentRows) -> list[Problem]:
    """Daily rows start on the publish day; link taps need a link attached by that day.

    The largest table (30M rows for 1M notes), so it is compared in int32 day numbers, with
    sentinels standing in for missing values: no per-row datetime64 temporaries.
    """
    daily, notes = frames.get("note_daily"), frames.get("notes")
    rows = parents.get(("note_daily", "note_id"))
    if daily is None or notes is None or rows is None or "date" not in daily:
        return []
    problems = []
    day = day_numbers(_times(daily, "date"), if_missing=LATEST)  # a missing date breaks nothing
    shown = ["note_id", "date"]
    if "publish_time" in notes:
        publish = _times(notes, "publish_time")
        # Unknown publish day (or unknown note): nothing can be before it.
        publish_day = gather(day_numbers(publish, if_missing=EARLIEST), rows, EARLIEST)
        problems += _problem(
            daily,
            "note_daily",
            "date",
            "daily_before_publish",
            day < publish_day,
            shown,
            "row(s) are dated before their note's publish day",
            {"publish_time": (publish, rows)},
        )
        del publish_day
    if "link_time" in notes and "link_clicks" in daily:
        link = _times(notes, "link_time")
        # Never linked: every day is before the link day. Unknown note: left to the foreign key.
        link_day = gather(day_numbers(link, if_missing=LATEST), rows, EARLIEST)
        taps = daily["link_clicks"].to_numpy() > 0  # NaN (a reported null) compares False
        problems += _problem(
            daily,
            "note_daily",
            "link_clicks",
            "clicks_without_link",
            taps & (day < link_day),
            [*shown, "link_clicks"],
            "row(s) have link_clicks > 0 before their note's link day, or for a note never linked",
            {"link_time": (link, rows)},
        )
    return problems


# --- helpers ---------------------------------------------------------------------------------

NAT = np.datetime64("NaT", "ns")
EARLIEST, LATEST = np.iinfo(np.int32).min, np.iinfo(np.int32).max


def parent_rows(child: pd.Series, parent: pd.Series) -> np.ndarray:
    """For each child value, the row of the parent holding it; -1 if none (or if null)."""
    found = pc.index_in(_arrow_text(child), value_set=_arrow_text(parent), skip_nulls=True)
    return pc.fill_null(found, -1).to_numpy()  # int32: half the memory of int64 on 30M rows


def gather(values: np.ndarray, rows: np.ndarray, missing) -> np.ndarray:
    """values[rows], with `missing` where rows is -1 (it lands on the appended sentinel)."""
    return np.append(values, np.asarray(missing, dtype=values.dtype))[rows]


def day_numbers(times: np.ndarray, if_missing: int) -> np.ndarray:
    """datetime64[ns] as int32 days since 1970-01-01; NaT as the given sentinel."""
    days = times.astype("datetime64[D]").view(np.int64)
    return np.where(np.isnat(times), if_missing, days).astype(np.int32)


def _arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    try:
        array = pa.array(values.array)
    except (pa.ArrowException, TypeError):
        array = pa.array(values.astype("str").array)
    return array.cast(pa.large_string())


def _times(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="datetime64[ns]")


def _problem(
    frame: pd.DataFrame,
    table: str,
    column: str,
    rule: str,
    mask: np.ndarray,
    shown: list[str],
    what: str,
    lookups: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> list[Problem]:
    """The rule's problem, if the mask marks any row; `lookups` adds parent values
    (values per parent row, parent row per child row) to the examples."""
    positions = np.flatnonzero(mask)
    if not len(positions):
        return []
    picked = positions[:MAX_EXAMPLES]
    extra = {
        name: gather(values, rows[picked], NAT) for name, (values, rows) in (lookups or {}).items()
    }
    count = len(positions)
    examples = examples_at(frame, picked, shown, extra)
    return [Problem(table, column, rule, count, f"{count:,} {what}", examples)]
