"""The sections of notebook 01 (data overview): one call each, returning what the report shows.

Each function takes the run context (`redcat.notebook.RunContext`, or anything with the same
attributes), computes its tables with `redcat.overview`, draws with `redcat.plots`, saves the
tables a dashboard may want, and returns one displayable block: a heading in the run's
language, then the table or chart, then a one-line caption saying how to read it.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import pandas as pd

from redcat import overview, plots
from redcat.config import MIN_DAILY_AD_SPEND, MIN_FUNNEL_BUDGET
from redcat.contract import TABLE_ORDER
from redcat.report.i18n import label, t
from redcat.report.layout import chart as _chart
from redcat.report.layout import section as _section
from redcat.report.tables import (
    MISSING,
    HtmlFragment,
    ValidationLike,
    esc,
    money,
    percent,
    table_html,
    verdict_box,
)

log = logging.getLogger(__name__)


class RunLike(Protocol):
    """What a section needs from the run context."""

    data: Any  # a redcat.data.Dataset: one DataFrame attribute per contract table
    params: Any  # window_days, horizon_hours
    validation: ValidationLike
    as_of: pd.Timestamp

    @property
    def language(self) -> str: ...

    def record(self, key: str, value: Any) -> Any: ...

    def save_table(self, name: str, frame: pd.DataFrame) -> Any: ...


# --- building blocks -----------------------------------------------------------------------


def _as_of_day(run: RunLike) -> str:
    return run.as_of.strftime("%Y-%m-%d")


def _tables(run: RunLike) -> dict[str, pd.DataFrame]:
    return {name: getattr(run.data, name) for name in TABLE_ORDER}


def _industry_labels(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    return frame.assign(
        industry=frame["industry"].map(lambda code: label("industry", code, language))
    )


# Single-entry memo: the funnel and the cost sections share one pass over the orders.
_outcomes_memo: tuple[tuple, Any, pd.DataFrame] | None = None


def _outcomes(run: RunLike) -> pd.DataFrame:
    global _outcomes_memo
    key = (run.as_of, run.params.window_days, run.params.horizon_hours)
    if _outcomes_memo and _outcomes_memo[0] == key and _outcomes_memo[1] is run.data:
        return _outcomes_memo[2]
    data = run.data
    outcomes = overview.note_outcomes(
        data.notes,
        data.note_daily,
        data.inapp_orders,
        data.offsite_orders,
        as_of=run.as_of,
        window_days=run.params.window_days,
        horizon_hours=run.params.horizon_hours,
    )
    _outcomes_memo = (key, data, outcomes)
    log.debug("note outcomes: %d notes as of %s", len(outcomes), run.as_of)
    return outcomes


# --- sections ------------------------------------------------------------------------------
def validation(run: RunLike) -> HtmlFragment:
    """The run's parameters in one line, and the data-validation verdict."""
    lang = run.language
    facts = t(
        "caption.run_facts",
        lang,
        as_of=_as_of_day(run),
        w=run.params.window_days,
        h=run.params.horizon_hours,
    )
    run.record("overview.data_valid", bool(run.validation.ok))
    return _section(
        t("section.validation", lang),
        f'<p class="rc-facts">{esc(facts)}</p>',
        verdict_box(run.validation, lang).markup,
    )


def coverage(run: RunLike) -> HtmlFragment:
    """Rows per table and the period each covers."""
    lang = run.language
    table = overview.coverage(_tables(run), run.as_of)
    run.save_table("overview_coverage", table)
    shown = table.assign(table=table["table"].map(lambda name: t(f"table.{name}", lang)))
    shown = shown.rename(columns={c: t(f"col.{c}", lang) for c in shown.columns})
    return _section(
        t("section.coverage", lang),
        table_html(shown),
        caption=t("caption.coverage", lang, as_of=_as_of_day(run)),
    )


def notes_per_day(run: RunLike) -> HtmlFragment:
    """Chart: notes published per day, linked and unlinked."""
    lang, hours = run.language, run.params.horizon_hours
    per_day = overview.notes_per_day(run.data.notes, hours, run.as_of)
    fig = plots.notes_per_day_chart(per_day, lang, hours)
    return _section(
        t("section.notes_per_day", lang),
        _chart(fig, t("section.notes_per_day", lang)),
        caption=t("caption.linked", lang, h=hours),
    )


def notes_by_status(run: RunLike) -> HtmlFragment:
    """Table: notes per industry and merchant status (enrolled / eligible / not eligible)."""
    lang = run.language
    table = overview.notes_by_industry_status(run.data.notes, run.data.merchants, run.as_of)
    run.save_table("overview_notes_by_status", table)
    totals = table.drop(columns="industry").sum().to_frame().T.assign(industry="total")
    shown = _industry_labels(pd.concat([table, totals], ignore_index=True), lang)
    shown.loc[shown.index[-1], "industry"] = t("col.total", lang)
    names = {"industry": t("col.industry", lang), "total": t("col.total", lang)}
    names |= {s: t(f"status.{s}", lang) for s in overview.MERCHANT_STATUSES}
    return _section(
        t("section.notes_by_status", lang),
        table_html(shown.rename(columns=names)),
        caption=t(
            "caption.notes_by_status", lang, spend=MIN_DAILY_AD_SPEND, budget=MIN_FUNNEL_BUDGET
        ),
    )


def enrolment(run: RunLike) -> HtmlFragment:
    """Chart: cumulative enrolled merchants by date."""
    lang = run.language
    timeline = overview.enrolment_timeline(run.data.merchants, run.as_of)
    enrolled = int(timeline["enrolled_total"].iloc[-1]) if len(timeline) else 0
    run.record("overview.enrolled_merchants", enrolled)
    fig = plots.enrolment_chart(timeline, lang)
    return _section(t("section.enrolment", lang), _chart(fig, t("section.enrolment", lang)))


def linked_by_industry(run: RunLike) -> HtmlFragment:
    """Table: per industry, notes since launch linked within the horizon, late, or never."""
    lang, hours = run.language, run.params.horizon_hours
    table = overview.linked_by_industry(run.data.notes, run.data.merchants, hours, run.as_of)
    run.save_table("overview_linked_by_industry", table)
    names = {
        "industry": t("col.industry", lang),
        "notes": t("col.notes", lang),
        overview.LINKED: t("link.linked", lang, h=hours),
        overview.LATE_LINK: t("link.late", lang, h=hours),
        overview.NO_LINK: t("link.none", lang),
        "linked_share": t("col.linked_share", lang),
    }
    shown = _industry_labels(table, lang).rename(columns=names)
    return _section(
        t("section.linked_by_industry", lang),
        table_html(shown, formats={names["linked_share"]: percent(1)}),
        caption=t("caption.linked", lang, h=hours) + t("caption.since_launch", lang),
    )


def funnel(run: RunLike) -> HtmlFragment:
    """Table and chart: the funnel from impressions to orders, linked vs unlinked vs all."""
    lang = run.language
    outcomes = _outcomes(run)
    table = overview.funnel(outcomes)
    run.save_table("overview_funnel", table)
    n_notes = int(outcomes["window_complete"].sum())
    run.record("overview.funnel_notes", n_notes)
    fig = plots.funnel_chart(table, lang)
    caption = t("caption.funnel", lang, n=n_notes, w=run.params.window_days, as_of=_as_of_day(run))
    return _section(
        t("section.funnel", lang),
        table_html(_funnel_wide(table, lang)),
        _chart(fig, t("section.funnel", lang)),
        caption=caption,
    )


def _funnel_wide(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per step (after a row counting the notes); per group the per-note value and the
    rate, already formatted as text."""
    steps = [s for s, _ in overview.FUNNEL_STEPS]
    bases = dict(overview.FUNNEL_STEPS)
    wide = pd.DataFrame(
        {
            t("col.step", lang): [t("col.notes", lang)] + [t(f"step.{s}", lang) for s in steps],
            t("col.base", lang): [""]
            + [t(f"step.{bases[s]}", lang) if bases[s] else "" for s in steps],
        }
    )
    for group in overview.NOTE_GROUPS:
        rows = table[table["group"] == group].set_index("step").reindex(steps)
        n_notes = int(rows["notes"].iloc[0]) if len(rows) else 0
        per_note = [
            money(1)(v) if s.endswith("_gmv") else _per_note(v)
            for s, v in zip(steps, rows["per_note"], strict=True)
        ]
        rates = [MISSING if pd.isna(r) else percent(2)(r) for r in rows["rate"]]
        name = t(f"group.{group}", lang)
        wide[f"{name} · {t('col.per_note', lang)}"] = [f"{n_notes:,}", *per_note]
        wide[f"{name} · {t('col.rate', lang)}"] = [MISSING, *rates]
    return wide


def _per_note(value: float) -> str:
    if pd.isna(value):
        return MISSING
    digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 1 else 3
    return f"{value:,.{digits}f}"


def cost_per_visit(run: RunLike) -> HtmlFragment:
    """Table: ad spend per store visit by industry, for linked, unlinked and all notes."""
    lang = run.language
    table = overview.cost_per_store_visit(_outcomes(run), run.data.merchants)
    run.save_table("overview_cost_per_visit", table)
    wide = table.pivot(index="industry", columns="group", values="cost_per_visit")
    wide = wide.reindex(
        index=[i for i in table["industry"].unique()], columns=list(overview.NOTE_GROUPS)
    ).reset_index()
    names = {"industry": t("col.industry", lang)}
    names |= {g: f"{t(f'group.{g}', lang)} · ¥" for g in overview.NOTE_GROUPS}
    shown = _industry_labels(wide, lang).rename(columns=names)
    return _section(
        t("section.cost_per_visit", lang),
        table_html(shown, formats={names[g]: money(2) for g in overview.NOTE_GROUPS}),
        caption=t("caption.cost_per_visit", lang),
    )


def inapp_gmv(run: RunLike) -> HtmlFragment:
    """Chart: merchants' mean daily in-app GMV by enrolment status, launch and 618 marked."""
    lang = run.language
    gmv = overview.inapp_gmv_by_status(run.data.merchant_daily, run.data.merchants, run.as_of)
    run.save_table("overview_inapp_gmv_by_status", gmv.astype({"status": str}))
    fig = plots.inapp_gmv_chart(gmv, lang)
    return _section(
        t("section.inapp_gmv", lang),
        _chart(fig, t("section.inapp_gmv", lang)),
        caption=t("caption.inapp_gmv", lang),
    )
