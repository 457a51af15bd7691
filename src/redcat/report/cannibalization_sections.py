"""The sections of notebook 03 (cannibalization): one call each, returning what the report shows.

`estimate(run)` does the work once (`redcat.cannibalization.summary.estimate_all`), records the
four `cannibalization.*` results of the data contract and saves the tables a dashboard may
want; every other function renders one section from what it returned: a heading in the run's
language, a table or chart, and a caption saying how to read it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from redcat.cannibalization.frames import PLACEBO_MIN_HOURS
from redcat.cannibalization.heterogeneity import MIN_LINKED
from redcat.cannibalization.note_level import propensity_by_group
from redcat.cannibalization.robustness import PLACEBO_WEEKS
from redcat.cannibalization.summary import RESULT_KEYS, estimate_all
from redcat.engine.memo import remember, run_memo_key
from redcat.report import cannibalization_charts as charts
from redcat.report.cannibalization_text import register as _register_text
from redcat.report.i18n import label, t
from redcat.report.layout import chart as _chart
from redcat.report.layout import paragraph as _paragraph
from redcat.report.layout import section as _section
from redcat.report.tables import HtmlFragment, table_html

log = logging.getLogger(__name__)
_register_text()


@dataclass
class Cannibalization:
    """What `estimate` produced for the sections."""

    run: Any
    out: dict[str, Any]

    @property
    def language(self) -> str:
        return self.run.language


# --- building blocks -----------------------------------------------------------------------


def _number(value: float, unit: str = "", digits: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{digits}f}"
    return f"¥{text}" if unit == "¥" else f"{text}{unit}"


def _interval(low: float | None, high: float | None, unit: str = "", digits: int = 1) -> str:
    # Unbounded ends arrive as ±inf, or as None once made JSON-ready (results.json form).
    low = -math.inf if low is None else low
    high = math.inf if high is None else high
    if math.isinf(low) and math.isinf(high):
        return "(−∞, +∞)"  # an unbounded Fieller set: the ratio is not identified
    return f"[{_number(low, unit, digits)}, {_number(high, unit, digits)}]"


# --- the work --------------------------------------------------------------------------------
MEMO_NAME = "cannibalization.estimates"
# What computes the estimates: a change in any of these files estimates again on a warm re-run.
ESTIMATE_CODE = (
    "redcat.cannibalization",
    "redcat.causal",
    "redcat.features",
    "redcat.overview",
    "redcat.engine",
    "redcat.config",
)


def _estimates(run) -> dict[str, Any]:
    """`estimate_all(run)`, reused from earlier in this kernel when nothing changed."""
    key = run_memo_key(run, ESTIMATE_CODE)
    if key is None:
        return estimate_all(run)
    return remember(MEMO_NAME, key, lambda: estimate_all(run), source=run.data)


def estimate(run) -> Cannibalization:
    """Estimate everything once, record the four results.json keys, save the tables.

    The estimates (the expensive part) are reused on a warm re-run in the same kernel with the
    same data, parameters and code (redcat.engine.memo); recording and saving happen every run.
    """
    out = _estimates(run)
    for key, effect in out["results"].items():
        run.record(key, effect)
    run.save_table("cannibalization_subgroups", out["heterogeneity"])
    run.save_table("cannibalization_designs", out["designs"])
    run.save_table("cannibalization_event_study", out["merchant_level"].event_study)
    note = out["note_level"]
    if note.shift_test is not None:
        run.save_table("cannibalization_link_shift_test", note.shift_test.table)
    return Cannibalization(run=run, out=out)


# --- sections --------------------------------------------------------------------------------
def answer(c: Cannibalization) -> HtmlFragment:
    """The four results with their intervals, and what they say in words."""
    lang, results = c.language, c.out["results"]
    units = {"note_inapp": "¥", "note_offsite": "¥", "ratio": "", "merchant_pct": "%"}
    rows = []
    for short, key in RESULT_KEYS.items():
        effect = results[key]
        digits = 2 if short == "ratio" else 1
        rows.append(
            {
                t("cannib.col.key", lang): t(f"cannib.key.{key.split('.', 1)[1]}", lang),
                t("cannib.col.estimate", lang): _number(effect["estimate"], units[short], digits),
                t("cannib.col.ci", lang): _interval(
                    effect["ci_low"], effect["ci_high"], units[short], digits
                ),
                t("cannib.col.n", lang): f"{effect['n']:,}",
            }
        )
    note = c.out["note_level"]
    w = note.notes.window_days
    sentences = [
        t(
            "cannib.answer.note",
            lang,
            w=w,
            inapp=_number(note.inapp.estimate, "¥"),
            inapp_ci=_interval(note.inapp.ci_low, note.inapp.ci_high, "¥"),
            offsite=_number(note.offsite.estimate, "¥"),
            offsite_ci=_interval(note.offsite.ci_low, note.offsite.ci_high, "¥"),
        ),  # fmt: skip
        t(
            "cannib.answer.ratio",
            lang,
            ratio=_number(note.ratio.estimate, "", 2),
            ratio_ci=_interval(note.ratio.ci_low, note.ratio.ci_high, "", 2),
        ),
        t(
            "cannib.answer.merchant",
            lang,
            pct=_number(c.out["merchant_level"].did.estimate, "%"),
            pct_ci=_interval(
                c.out["merchant_level"].did.ci_low, c.out["merchant_level"].did.ci_high, "%"
            ),
        ),
    ]
    if not note.ratio.diagnostics.get("denominator_significant", True):
        sentences.append(t("cannib.answer.weak_ratio", lang))
    if c.out.get("robustness", {}).get("fragile"):
        sentences.append(t("cannib.answer.fragile", lang))
    return _section(
        t("cannib.section.answer", lang),
        table_html(pd.DataFrame(rows)),
        *(_paragraph(s) for s in sentences),
    )


def naive_vs_causal(c: Cannibalization) -> HtmlFragment:
    """The plain linked-minus-other difference beside the causal estimate."""
    lang, note = c.language, c.out["note_level"]
    rows = []
    for outcome, result in (("note_inapp_gmv", note.inapp), ("note_offsite_gmv", note.offsite)):
        naive = note.naive["inapp_gmv" if "inapp" in outcome else "offsite_gmv"]
        rows.append(
            {
                t("cannib.col.key", lang): t(f"cannib.key.{outcome}", lang),
                t("cannib.col.naive", lang): _number(naive["estimate"], "¥"),
                t("cannib.col.adjusted", lang): _number(result.estimate, "¥"),
                t("cannib.col.ci", lang): _interval(result.ci_low, result.ci_high, "¥"),
            }
        )
    return _section(
        t("cannib.section.naive", lang),
        table_html(pd.DataFrame(rows)),
        caption=t("cannib.caption.naive", lang),
    )


def controls(c: Cannibalization) -> HtmlFragment:
    """The link-shift test: which early signals the link does not move, hence usable as controls."""
    lang, test = c.language, c.out["note_level"].shift_test
    if test is None:
        return _section(
            t("cannib.section.controls", lang), _paragraph(c.out["note_level"].control_reason)
        )
    table = test.table
    shown = pd.DataFrame(
        {
            t("cannib.col.signal", lang): table["signal"].map(lambda s: _signal(s, lang)),
            t("cannib.col.kind", lang): table["kind"].map(lambda k: t(f"cannib.kind.{k}", lang)),
            t("cannib.col.shift", lang): table["shift"].map(lambda v: _number(100 * v, "%")),
            t("cannib.col.ci90", lang): [
                _interval(100 * lo, 100 * hi, "%")
                for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
            t("cannib.col.placebo", lang): table["placebo"].map(lambda v: _number(100 * v, "%")),
            t("cannib.col.admitted", lang): table["admitted"].map(
                lambda a: t("cannib.verdict.yes" if a else "cannib.verdict.no", lang)
            ),
        }
    )
    admitted = (
        "、".join(_signal(s, lang) for s in test.admitted)
        if lang == "zh"
        else ", ".join(_signal(s, lang) for s in test.admitted)
    )
    caption = t(
        "cannib.caption.controls", lang,
        n_linked=test.n_linked_notes, n_comparison=test.n_comparison_notes, margin=test.margin,
        admitted=admitted or t("cannib.none", lang),
    )  # fmt: skip
    return _section(t("cannib.section.controls", lang), table_html(shown), caption=caption)


def _signal(signal: str, lang: str) -> str:
    return label("cannib.signal", signal, lang)


def overlap(c: Cannibalization) -> HtmlFragment:
    """Propensity histogram of linked vs comparison notes."""
    lang, inapp = c.language, c.out["note_level"].inapp
    frame = c.out["note_level"].notes.frame
    propensity = propensity_by_group(inapp, frame["linked"].to_numpy())
    trim = float(inapp.diagnostics.get("trim", 0.01))
    fig = charts.overlap_chart(propensity, lang, trim)
    clipped = float(inapp.diagnostics.get("overlap", {}).get("treated_share_at_upper_clip", 0.0))
    caption = t("cannib.caption.overlap", lang, low=trim, high=1 - trim, clipped=clipped)
    warning = inapp.diagnostics.get("overlap_warning")
    parts = [_chart(fig, t("cannib.section.overlap", lang))]
    if warning:
        parts.append(_paragraph(str(warning)))
    return _section(t("cannib.section.overlap", lang), *parts, caption=caption)


def note_level(c: Cannibalization) -> HtmlFragment:
    """The note-level effects, the ratio, and how many notes they rest on."""
    lang, note = c.language, c.out["note_level"]
    rows = []
    for key, result, unit, digits in (
        ("note_inapp_gmv", note.inapp, "¥", 1),
        ("note_offsite_gmv", note.offsite, "¥", 1),
        ("ratio", note.ratio, "", 2),
    ):
        rows.append(
            {
                t("cannib.col.key", lang): t(f"cannib.key.{key}", lang),
                t("cannib.col.estimate", lang): _number(result.estimate, unit, digits),
                t("cannib.col.ci", lang): _interval(result.ci_low, result.ci_high, unit, digits),
            }
        )
    counts = note.notes.counts
    caption = t(
        "cannib.caption.note_level",
        lang,
        n_linked=counts["linked"],
        n_comparison=counts["comparison"],
    )
    if counts.get("outcome_pool"):
        caption += " " + t("cannib.caption.outcome_pool", lang, n_pool=counts["outcome_pool"])
    offset = note.inapp.diagnostics.get("outcome_offset")
    caption += " " + (
        t("cannib.caption.outcome_offset", lang, signal=t(f"cannib.signal.{offset}", lang))
        if offset
        else t("cannib.caption.no_outcome_offset", lang)
    )
    return _section(
        t("cannib.section.note_level", lang), table_html(pd.DataFrame(rows)), caption=caption
    )


def merchant_level(c: Cannibalization) -> HtmlFragment:
    """The merchant-level effect with its event study (pre-periods and the pre-trend test)."""
    lang, merchant = c.language, c.out["merchant_level"]
    did = merchant.did
    if did.n == 0:
        return _section(t("cannib.section.merchant_level", lang), _paragraph(did.method))
    fig = charts.event_study_chart(merchant.event_study, lang)
    p = did.diagnostics.get("pretrend_p_value")
    caption = (
        t("cannib.caption.event_study", lang, p=float(p) if p is not None else float("nan"))
        + " "
        + t("cannib.caption.merchant_level", lang, n=did.n, twfe=merchant.twfe_pct)
    )
    table = pd.DataFrame(
        {
            t("cannib.col.key", lang): [
                t("cannib.key.merchant_inapp_pct", lang),
                t("cannib.check.twfe", lang),
            ],
            t("cannib.col.estimate", lang): [
                _number(did.estimate, "%"),
                _number(merchant.twfe_pct, "%"),
            ],
            t("cannib.col.ci", lang): [_interval(did.ci_low, did.ci_high, "%"), "–"],
        }
    )
    return _section(
        t("cannib.section.merchant_level", lang),
        table_html(table),
        _chart(fig, t("cannib.section.event_study", lang)),
        caption=caption,
    )


def threshold(c: Cannibalization) -> HtmlFragment:
    """The RD plot at the ¥5,000 rule, with the density test and first stage."""
    lang, th = c.language, c.out["threshold"]
    if th.rdd.n == 0:
        return _section(t("cannib.section.threshold", lang), _paragraph(th.rdd.method))
    diag = th.rdd.diagnostics
    fig = charts.rd_chart(th.frame.frame, lang, bandwidth=diag.get("bandwidth_h"))
    caption = t(
        "cannib.caption.threshold", lang, n=len(th.frame.frame),
        density=float(diag.get("density_test", {}).get("p_value", float("nan")) or float("nan")),
        f=float(diag.get("first_stage", {}).get("f_statistic", float("nan")) or float("nan")),
    )  # fmt: skip
    text = f"{_number(th.rdd.estimate, '%')} {_interval(th.rdd.ci_low, th.rdd.ci_high, '%')}"
    return _section(
        t("cannib.section.threshold", lang),
        _paragraph(text),
        _chart(fig, t("cannib.section.threshold", lang)),
        caption=caption,
    )


def subgroups(c: Cannibalization) -> HtmlFragment:
    """Forest plots of the in-app and off-site effects by subgroup."""
    lang, note, table = c.language, c.out["note_level"], c.out["heterogeneity"]
    parts = []
    for outcome, result in (("inapp_gmv", note.inapp), ("offsite_gmv", note.offsite)):
        fig = charts.forest_chart(table, outcome, result.estimate, lang)
        parts.append(_chart(fig, t(f"cannib.section.subgroups_{outcome}", lang)))
    return _section(
        t("cannib.section.subgroups_inapp_gmv", lang).split("：")[0].split(":")[0],
        *parts,
        caption=t("cannib.caption.subgroups", lang, min=MIN_LINKED),
    )


def robustness(c: Cannibalization) -> HtmlFragment:
    """Placebo launch date, placebo outcome and hidden-confounder sensitivity, one row each."""
    lang, checks = c.language, c.out.get("robustness")
    if not checks:
        return _section(t("cannib.section.robustness", lang))

    def zero_verdict(result) -> str:
        if result.n == 0:
            return result.method
        covers = result.ci_low <= 0 <= result.ci_high
        return t("cannib.verdict.zero_ok" if covers else "cannib.verdict.zero_fail", lang)

    def sensitivity_verdict(result) -> str:
        d = result.diagnostics
        if not d.get("significant"):
            return t("cannib.verdict.not_significant", lang)
        word = t("cannib.verdict.fragile" if d.get("fragile") else "cannib.verdict.robust", lang)
        return f"{word} (RVa = {100 * float(d.get('rva', float('nan'))):.1f}%)"

    launch, outcome = checks["placebo_launch"], checks["placebo_outcome"]
    rows = [
        (
            t("cannib.check.placebo_launch", lang, weeks=PLACEBO_WEEKS),
            _number(launch.estimate, "%"),
            _interval(launch.ci_low, launch.ci_high, "%"),
            zero_verdict(launch),
        ),
        (
            t("cannib.check.placebo_outcome", lang, hours=f"{PLACEBO_MIN_HOURS:g}"),
            _number(outcome.estimate, digits=3),  # log(1 + orders): no unit
            _interval(outcome.ci_low, outcome.ci_high, digits=3),
            zero_verdict(outcome),
        ),
    ]
    for name, result in checks["sensitivity"].items():
        bounds = result.diagnostics.get("bounds_ci", [float("nan"), float("nan")])
        rows.append(
            (
                t(f"cannib.check.sensitivity_{name}", lang),
                _number(result.estimate, "¥"),
                _interval(bounds[0], bounds[1], "¥"),
                sensitivity_verdict(result),
            )
        )
    table = pd.DataFrame(
        rows,
        columns=[
            t("cannib.col.check", lang),
            t("cannib.col.estimate", lang),
            t("cannib.col.ci", lang),
            t("cannib.col.verdict", lang),
        ],
    )
    return _section(
        t("cannib.section.robustness", lang),
        table_html(table),
        caption=t("cannib.caption.robustness", lang),
    )


def designs(c: Cannibalization) -> HtmlFragment:
    """The three designs side by side: estimate, interval, what each estimates and assumes."""
    lang, frame = c.language, c.out["designs"]
    note, merchant, rd = c.out["note_level"], c.out["merchant_level"], c.out["threshold"].rdd
    overlap = note.inapp.diagnostics.get("overlap", {})
    pretrend = merchant.did.diagnostics.get("pretrend_p_value")
    checks = {
        "note_dml": t(
            "cannib.check.note_dml", lang,
            auc=float(overlap.get("propensity_auc", math.nan)),
            clipped=float(overlap.get("treated_share_at_upper_clip", math.nan)),
        ),
        "merchant_did": t(
            "cannib.check.merchant_did", lang,
            p=float(pretrend) if pretrend is not None else math.nan, twfe=merchant.twfe_pct,
        ),
        "threshold_rdd": t(
            "cannib.check.threshold_rdd", lang,
            density=float(rd.diagnostics.get("density_test", {}).get("p_value", math.nan) or math.nan),
            f=float(rd.diagnostics.get("first_stage", {}).get("f_statistic", math.nan) or math.nan),
        ),
    }  # fmt: skip
    units = {"note_dml": "¥", "merchant_did": "%", "threshold_rdd": "%"}
    rows = []
    for row in frame.itertuples():
        unit = units[row.design]
        rows.append(
            {
                t("cannib.col.design", lang): t(f"cannib.design.{row.design}", lang),
                t("cannib.col.estimate", lang): _number(row.estimate, unit),
                t("cannib.col.ci", lang): _interval(row.ci_low, row.ci_high, unit),
                t("cannib.col.n", lang): f"{int(row.n):,}",
                t("cannib.col.estimand", lang): t(f"cannib.estimand.{row.design}", lang),
                t("cannib.col.checks", lang): checks[row.design],
                t("cannib.col.assumptions", lang): t(f"cannib.assume.{row.design}", lang),
            }
        )
    return _section(
        t("cannib.section.designs", lang),
        table_html(pd.DataFrame(rows)),
        caption=t("cannib.caption.designs", lang),
    )
