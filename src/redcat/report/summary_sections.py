"""The sections of notebook 04 (the stakeholder summary): one call each.

`prepare(run)` reads what notebooks 01–03 left in the run folder (`redcat.run_outputs`: it
stops with a message naming any missing file), estimates the one thing they did not (how
enrolment moved merchants' ad spend), computes the platform's trade-off
(`redcat.tradeoff`), records the `tradeoff.*` results and saves the trade-off tables. Every
other function renders one section in the run's language from what `prepare` returned.
Sentences are built by `executive_sentences(numbers, language)` from a plain dict of numbers
(`headline_numbers`), so they can be checked against fixed numbers in tests.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from redcat.cannibalization.heterogeneity import MIN_LINKED
from redcat.causal.result import CausalResult
from redcat.report import cannibalization_charts as cannib_charts
from redcat.report import summary_charts as charts
from redcat.report.cannibalization_text import register as _register_cannib_text
from redcat.report.conversion_text import register as _register_conv_text
from redcat.report.i18n import label, t
from redcat.report.layout import chart as _chart
from redcat.report.layout import paragraph as _paragraph
from redcat.report.layout import section as _section
from redcat.report.summary_text import register as _register_text
from redcat.report.tables import HtmlFragment, esc, table_html
from redcat.run_outputs import RunOutputs, load_run_outputs
from redcat.tradeoff import (
    DRAWS,
    TOTAL,
    Estimate,
    Prices,
    TradeoffInputs,
    breakeven_commission,
    compute_tradeoff,
    estimate_ad_spend_lift,
    industry_effects,
    merchant_view,
    weekly_volumes,
)

log = logging.getLogger(__name__)
_register_text()
_register_cannib_text()
_register_conv_text()

PRETREND_ALPHA = 0.05
DESIGNS = ("note_dml", "merchant_did", "threshold_rdd")
DESIGN_UNITS = {"note_dml": "¥", "merchant_did": "%", "threshold_rdd": "%"}
NAN = math.nan
VOLUME_COLUMNS = (
    "industry",
    "linked_notes",
    "enrolled_ad_spend",
    "enrolled_inapp_gmv",
    "enrolled_merchants",
)


# --- number formatting ----------------------------------------------------------------------
def fmt_money(value: float, language: str) -> str:
    """¥ amounts as a reader writes them: ¥1,234; in Chinese ¥12.3 万 from ten thousand on."""
    if value is None or not math.isfinite(value):
        return "—"
    sign = "−" if value < 0 else ""
    v = abs(value)
    if language == "zh" and v >= 10_000:
        return f"{sign}¥{v / 10_000:,.1f} 万"
    return f"{sign}¥{v:,.0f}"


def fmt_pct(value: float, digits: int = 1, signed: bool = True) -> str:
    """A percentage given in % units (−8.95 → "−9.0%")."""
    if value is None or not math.isfinite(value):
        return "—"
    text = f"{abs(value):.{digits}f}%"
    if value < 0:
        return f"−{text}"
    return f"+{text}" if signed else text


def fmt_prob(p: float) -> str:
    """A Monte Carlo share as a reader takes it: never a flat 0% or 100% from 4,000 draws."""
    if p is None or not math.isfinite(p):
        return "—"
    if p > 0.99:
        return ">99%"
    if p < 0.01:
        return "<1%"
    return f"{p:.0%}"


def fmt_ratio(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"−{abs(value):.2f}" if value < 0 else f"{value:.2f}"


def fmt_interval(low: float, high: float, fmt, language: str) -> str:
    """'a 至 b' / 'a to b'; unbounded and unknown intervals said in words."""
    if low is None or high is None or (math.isnan(low) and math.isnan(high)):
        return t("sum.not_estimated", language)
    if math.isinf(low) or math.isinf(high):
        return t("sum.unbounded", language)
    return t("sum.interval", language, low=fmt(low), high=fmt(high))


def confidence(effect: dict[str, float], flagged: bool = False) -> str:
    """A plain verdict key: missing, caution (a design check flagged it), strong (interval
    excludes zero), unclear (it does not)."""
    estimate, low, high = effect.get("estimate", NAN), effect.get("ci_low"), effect.get("ci_high")
    if estimate is None or not math.isfinite(estimate) or low is None or high is None:
        return "missing"
    if math.isnan(low) or math.isnan(high):
        return "missing"
    if flagged or math.isinf(low) or math.isinf(high):
        return "caution"
    return "strong" if (low > 0 or high < 0) else "unclear"


# --- design checks read back from notebook 03's designs table -------------------------------
_PATTERNS = {
    "propensity_auc": r"propensity AUC\s*([-\d.]+|nan)",
    "pretrend_p": r"pre-trend p\s*=\s*([-\d.]+|nan)",
    "density_p": r"density test p\s*=\s*([-\d.]+|nan)",
    "first_stage_f": r"first-stage F\s*=\s*([-\d.]+|inf|nan)",
}


def design_checks(designs: pd.DataFrame) -> dict[str, Any]:
    """The checks notebook 03 saved in its designs table: its typed columns `propensity_auc`,
    `pretrend_p`, `density_p`, `first_stage_f` (float, NaN if absent) and `fragile` (bool, None
    if the robustness checks were not run). Tables saved before those columns existed are read
    from the free-text `checks` column."""
    text = " ".join(str(c) for c in designs.get("checks", pd.Series(dtype=str)))
    found: dict[str, Any] = {}
    for name, pattern in _PATTERNS.items():
        if name in designs.columns:
            values = pd.to_numeric(designs[name], errors="coerce").dropna()
            found[name] = float(values.iloc[0]) if len(values) else NAN
            continue
        match = re.search(pattern, text)
        try:
            found[name] = float(match.group(1)) if match else NAN
        except ValueError:
            found[name] = NAN
    fragile = designs["fragile"].dropna() if "fragile" in designs.columns else ()
    found["fragile"] = bool(fragile.iloc[0]) if len(fragile) else None
    return found


# --- the work --------------------------------------------------------------------------------
@dataclass
class Summary:
    """What `prepare` produced for the sections."""

    run: Any
    outputs: RunOutputs
    prices: Prices
    volumes: pd.DataFrame
    lift: CausalResult | None
    tradeoff: pd.DataFrame | None
    merchant_view: dict[str, float]
    numbers: dict[str, Any]

    @property
    def language(self) -> str:
        return self.run.language


def _lift_or_none(run) -> CausalResult | None:
    try:
        return estimate_ad_spend_lift(run.data, run.as_of)
    except ValueError as exc:  # too few enrolled or comparison merchants
        log.warning("ad-spend lift not estimated: %s", exc)
        return None


def prepare(run) -> Summary:
    """Read notebooks 01–03's outputs, compute the trade-off, record and save it."""
    outputs = run.outputs() if hasattr(run, "outputs") else load_run_outputs(run.run_dir)
    prices = Prices.from_params(run.params)
    try:
        volumes = weekly_volumes(run.data, run.as_of, run.params.horizon_hours)
    except ValueError as exc:  # a run date before links launched: nothing to weigh yet
        log.warning("no trade-off: %s", exc)
        volumes = pd.DataFrame(columns=[*VOLUME_COLUMNS])
        volumes.attrs["weeks"] = 0.0
    lift = _lift_or_none(run)
    inapp = Estimate.from_effect(outputs.effect("cannibalization.note_inapp_gmv"))
    offsite = Estimate.from_effect(outputs.effect("cannibalization.note_offsite_gmv"))
    merchant = Estimate.from_effect(outputs.effect("cannibalization.merchant_inapp_pct"))
    lift_estimate = Estimate(lift.estimate, lift.se) if lift is not None else Estimate(NAN, NAN)
    subgroups = outputs.table("cannibalization_subgroups")
    inputs = TradeoffInputs(
        volumes=volumes,
        inapp_effect=inapp,
        offsite_effect=offsite,
        ad_lift_pct=lift_estimate,
        inapp_by_industry=industry_effects(subgroups, "inapp_gmv"),
        offsite_by_industry=industry_effects(subgroups, "offsite_gmv"),
        merchant_inapp_pct=merchant,
    )
    seed = int(run.params.seed)
    usable = inapp.available and not volumes.empty
    table = compute_tradeoff(inputs, prices, seed=seed) if usable else None
    view = merchant_view(volumes, merchant, prices, seed=seed)
    run.save_table("tradeoff_volumes", volumes)
    if lift is not None:
        run.record("tradeoff.ad_spend_lift_pct", lift.to_effect())
    if table is not None:
        run.save_table("tradeoff", table)
        net = _row(table, "net")
        run.record(
            "tradeoff.net_per_week",
            {
                "estimate": net["estimate"],
                "ci_low": net["ci_low"],
                "ci_high": net["ci_high"],
                "method": f"Monte Carlo ({DRAWS} draws) of ad revenue − in-app commission lost",
                "n": int(outputs.effect("cannibalization.note_inapp_gmv")["n"]),
            },
        )
        run.record("tradeoff.p_net_positive", net["p_positive"])
        run.record("tradeoff.breakeven_commission", breakeven_commission(table))
    summary = Summary(run, outputs, prices, volumes, lift, table, view, {})
    summary.numbers = headline_numbers(summary)
    return summary


def _row(table: pd.DataFrame, component: str, scope: str = TOTAL) -> dict[str, float]:
    part = table[(table["scope"] == scope) & (table["component"] == component)]
    return part.iloc[0].to_dict()


def linked_notes_used(subgroups: pd.DataFrame) -> int:
    """Linked notes behind the note-level estimates (the industry rows partition them)."""
    if subgroups.empty or "n_linked" not in subgroups:
        return 0
    rows = subgroups[(subgroups["outcome"] == "inapp_gmv") & (subgroups["dimension"] == "industry")]
    return int(rows["n_linked"].sum())


def headline_numbers(s: Summary) -> dict[str, Any]:
    """Every number the executive summary speaks of, in one plain dict."""
    out, params = s.outputs, s.run.params
    designs = out.table("cannibalization_designs")
    checks = design_checks(designs)
    gains = out.optional_table("conversion_gains")
    top10 = NAN
    if gains is not None and "lightgbm" in set(gains["ranking"]):
        top10 = float(gains.loc[gains["ranking"] == "lightgbm", "top_10pct"].iloc[0])
    numbers: dict[str, Any] = {
        "w": params.window_days,
        "h": params.horizon_hours,
        "offsite": out.effect("cannibalization.note_offsite_gmv"),
        "inapp": out.effect("cannibalization.note_inapp_gmv"),
        "ratio": out.effect("cannibalization.ratio"),
        "merchant_pct": out.effect("cannibalization.merchant_inapp_pct"),
        "auc": out.number("conversion.test_auc"),
        "top10": top10,
        "linked_per_week": float(s.volumes["linked_notes"].sum()),
        "linked_notes_used": linked_notes_used(out.table("cannibalization_subgroups")),
        "enrolled_gmv_per_week": float(s.volumes["enrolled_inapp_gmv"].sum()),
        "pretrend_p": checks["pretrend_p"],
        "fragile": (
            checks["fragile"]
            if checks["fragile"] is not None
            else out.result("cannibalization.fragile")
        ),
        "not_estimated": [
            (row.design, str(row.method))
            for row in designs.itertuples()
            if not (isinstance(row.estimate, float) and math.isfinite(row.estimate))
        ],
        "lift": (
            {"estimate": s.lift.estimate, "ci_low": s.lift.ci_low, "ci_high": s.lift.ci_high}
            if s.lift is not None
            else None
        ),
        "merchant_view": s.merchant_view,
        "commission_rate": s.prices.commission_rate,
    }
    if s.tradeoff is not None:
        for key in ("offsite_gmv_driven", "inapp_gmv_lost", "extra_ad_spend", "net"):
            numbers[key] = _row(s.tradeoff, key)
        numbers["commission_lost"] = _row(s.tradeoff, "commission_lost")
        ads = (
            _row(s.tradeoff, "ad_from_links")["estimate"]
            + _row(s.tradeoff, "ad_from_spend")["estimate"]
        )
        numbers["ads"] = ads
        numbers["breakeven"] = breakeven_commission(s.tradeoff)
    return numbers


# --- the sentences ---------------------------------------------------------------------------
def _money_interval(d: dict[str, float], lang: str) -> str:
    return fmt_interval(d["ci_low"], d["ci_high"], lambda v: fmt_money(v, lang), lang)


def _pct_interval(d: dict[str, float], lang: str) -> str:
    return fmt_interval(d["ci_low"], d["ci_high"], fmt_pct, lang)


def _finite(d: dict[str, float] | None) -> bool:
    return bool(d) and d.get("estimate") is not None and math.isfinite(d["estimate"])


def executive_sentences(n: dict[str, Any], lang: str) -> list[str]:
    """The executive summary in plain words, every number filled from `n`."""
    out = []
    offsite, inapp, ratio, merchant = n["offsite"], n["inapp"], n["ratio"], n["merchant_pct"]
    if confidence(offsite) == "strong" and offsite["estimate"] > 0 and "offsite_gmv_driven" in n:
        week = n["offsite_gmv_driven"]
        out.append(
            t("sum.say.offsite", lang, w=n["w"], linked=n["linked_per_week"],
              offsite=fmt_money(offsite["estimate"], lang),
              offsite_ci=_money_interval(offsite, lang),
              offsite_week=fmt_money(week["estimate"], lang),
              offsite_week_ci=_money_interval(week, lang))
        )  # fmt: skip
    else:
        out.append(
            t("sum.say.offsite_unclear", lang, offsite=fmt_money(offsite["estimate"], lang),
              offsite_ci=_money_interval(offsite, lang))
        )  # fmt: skip
    level = confidence(inapp)
    if level == "strong" and inapp["estimate"] < 0 and "inapp_gmv_lost" in n:
        week = n["inapp_gmv_lost"]
        out.append(
            t("sum.say.inapp_loss", lang, inapp_abs=fmt_money(-inapp["estimate"], lang),
              inapp_ci=_money_interval(inapp, lang),
              inapp_week=fmt_money(week["estimate"], lang),
              inapp_week_ci=_money_interval(week, lang))
        )  # fmt: skip
    elif level == "strong" and inapp["estimate"] > 0:
        out.append(
            t("sum.say.inapp_gain", lang, inapp=fmt_money(inapp["estimate"], lang),
              inapp_ci=_money_interval(inapp, lang))
        )  # fmt: skip
    else:
        out.append(
            t("sum.say.inapp_unclear", lang, inapp=fmt_money(inapp["estimate"], lang),
              inapp_ci=_money_interval(inapp, lang))
        )  # fmt: skip
    if confidence(ratio) == "unclear":
        out.append(
            t("sum.say.ratio_unclear", lang, ratio=fmt_ratio(ratio["estimate"]),
              ratio_ci=fmt_interval(ratio["ci_low"], ratio["ci_high"], fmt_ratio, lang))
        )  # fmt: skip
    elif _finite(ratio) and math.isfinite(ratio["ci_low"]) and math.isfinite(ratio["ci_high"]):
        out.append(
            t("sum.say.ratio", lang, ratio=fmt_ratio(ratio["estimate"]),
              ratio_ci=fmt_interval(ratio["ci_low"], ratio["ci_high"], fmt_ratio, lang))
        )  # fmt: skip
    else:
        out.append(t("sum.say.ratio_unbounded", lang))
    if _finite(merchant):
        out.append(
            t("sum.say.merchant", lang, pct=fmt_pct(merchant["estimate"]),
              pct_ci=_pct_interval(merchant, lang))
        )  # fmt: skip
    else:
        out.append(t("sum.say.merchant_missing", lang))
    if math.isfinite(n["auc"]) and math.isfinite(n["top10"]):
        out.append(t("sum.say.conversion", lang, h=n["h"], auc=n["auc"], top10=n["top10"]))
    else:
        out.append(t("sum.say.conversion_missing", lang))
    out.append(net_sentence(n, lang))
    return out


def net_sentence(n: dict[str, Any], lang: str) -> str:
    if "net" not in n:
        return t("sum.say.net_missing", lang)
    net = n["net"]
    fields = {
        "net": fmt_money(net["estimate"], lang),
        "net_abs": fmt_money(abs(net["estimate"]), lang),
        "net_ci": _money_interval(net, lang),
        "p": fmt_prob(net["p_positive"]),
    }
    key = "sum.say.net_positive" if net["estimate"] >= 0 else "sum.say.net_negative"
    return t(key, lang, **fields)


def verdict_sentence(n: dict[str, Any], lang: str) -> str:
    """Is Red Cat worth more than the closed loop? Yes / no / not settled, with the range."""
    net = n["net"]
    fields = {
        "net": fmt_money(net["estimate"], lang),
        "net_abs": fmt_money(abs(net["estimate"]), lang),
        "net_ci": _money_interval(net, lang),
        "p": fmt_prob(net["p_positive"]),
    }
    if net["ci_low"] > 0:
        return t("sum.to.verdict_yes", lang, **fields)
    if net["ci_high"] < 0:
        return t("sum.to.verdict_no", lang, **fields)
    return t("sum.to.verdict_unclear", lang, **fields)


def _gap(lang: str) -> str:
    """What goes between two sentences: nothing after a Chinese full stop, a space in English."""
    return "" if lang == "zh" else " "


def breakeven_sentence(n: dict[str, Any], lang: str) -> str:
    """The commission rate above which the closed loop would have earned more, in words."""
    value = n.get("breakeven", NAN)
    if value is None or math.isinf(value) or math.isnan(value):
        return t("sum.aud.ads.no_loss", lang)
    if value >= 1.0 and "inapp_gmv_lost" in n:
        return t(
            "sum.to.breakeven_over", lang, lost=fmt_money(n["inapp_gmv_lost"]["estimate"], lang)
        )
    return t("sum.to.breakeven", lang, breakeven=f"{value:.1%}")


def audience_sentences(n: dict[str, Any], lang: str) -> dict[str, str]:
    """One paragraph for e-commerce operations, one for commercialization (ads)."""
    texts = {}
    if "inapp_gmv_lost" in n:
        week = n["inapp_gmv_lost"]
        share = week["estimate"] / n["enrolled_gmv_per_week"] if n["enrolled_gmv_per_week"] else 0
        key = "sum.aud.ops.loss" if confidence(n["inapp"]) == "strong" else "sum.aud.ops.unclear"
        if key == "sum.aud.ops.loss" and n["inapp"]["estimate"] > 0:
            key = "sum.aud.ops.unclear"
        texts["ops"] = t(
            key, lang, inapp_week=fmt_money(week["estimate"], lang),
            inapp_week_ci=_money_interval(week, lang), share=share,
        )  # fmt: skip
    else:
        texts["ops"] = t("sum.say.net_missing", lang)
    if "net" in n and n.get("lift"):
        lift = n["lift"]
        texts["ads"] = t(
            "sum.aud.ads.text", lang, lift=fmt_pct(lift["estimate"]),
            lift_ci=_pct_interval(lift, lang), extra=fmt_money(n["extra_ad_spend"]["estimate"], lang),
            ads=fmt_money(n["ads"], lang), commission=fmt_money(n["commission_lost"]["estimate"], lang),
            net=fmt_money(n["net"]["estimate"], lang), net_ci=_money_interval(n["net"], lang),
        ) + _gap(lang) + breakeven_sentence(n, lang)  # fmt: skip
    elif "net" in n:
        texts["ads"] = t("sum.aud.ads.no_lift", lang) + _gap(lang) + net_sentence(n, lang)
    else:
        texts["ads"] = t("sum.say.net_missing", lang)
    return texts


def confidence_sentences(n: dict[str, Any], lang: str) -> list[str]:
    """How sure we are, in words: design flags, not-estimated designs, agreement."""
    out = []
    p = n.get("pretrend_p", NAN)
    if p is not None and math.isfinite(p):
        key = "sum.sure.pretrend" if p < PRETREND_ALPHA else "sum.sure.pretrend_ok"
        out.append(t(key, lang, p=p))
    fragile = n.get("fragile")
    if fragile is None:
        out.append(t("sum.sure.no_robustness", lang))
    else:
        out.append(t("sum.sure.fragile" if fragile else "sum.sure.not_fragile", lang))
    for design, reason in n.get("not_estimated", []):
        short = reason.split("not estimated", 1)[-1].strip(" ()") or reason
        out.append(
            t(
                "sum.sure.not_estimated",
                lang,
                design=t(f"cannib.design.{design}", lang),
                reason=short,
            )
        )
    inapp, merchant = n["inapp"], n["merchant_pct"]
    if _finite(inapp) and _finite(merchant):
        same = np.sign(inapp["estimate"]) == np.sign(merchant["estimate"])
        out.append(t("sum.sure.agree" if same else "sum.sure.disagree", lang))
    ratio = n["ratio"]
    if _finite(ratio) and (math.isinf(ratio["ci_low"]) or math.isinf(ratio["ci_high"])):
        out.append(t("sum.sure.weak_ratio", lang))
    return out


# --- sections --------------------------------------------------------------------------------
def _box(title: str, text: str) -> str:
    return (
        '<div class="rc-verdict" style="border-color:#6b7a8f;background:#f6f8fa">'
        f"<strong>{esc(title)}</strong><p>{esc(text)}</p></div>"
    )


def _list(items: list[str]) -> str:
    return '<ul class="rc-list">' + "".join(f"<li>{esc(s)}</li>" for s in items) + "</ul>"


def title(s: Summary) -> HtmlFragment:
    """The page title in the run's language and the facts of the run."""
    lang, params = s.language, s.run.params
    facts = t(
        "sum.run_facts", lang, as_of=s.run.as_of.strftime("%Y-%m-%d"),
        data=s.run.data.folder.name, w=params.window_days, h=params.horizon_hours,
        commission=s.prices.commission_rate, per_note=s.prices.ad_revenue_per_linked_note,
        per_yuan=s.prices.ad_revenue_per_ad_yuan,
    )  # fmt: skip
    heading = t("sum.title", lang)
    return HtmlFragment(f"<h1>{esc(heading)}</h1>{_paragraph(facts)}", text=heading)


def executive(s: Summary) -> HtmlFragment:
    """The executive summary: the answer in plain words, then the verdict for the platform."""
    lang, n = s.language, s.numbers
    parts = [_list(executive_sentences(n, lang))]
    if "net" in n:
        ok = n["net"]["ci_low"] > 0
        bad = n["net"]["ci_high"] < 0
        kind = "rc-ok" if ok else "rc-bad" if bad else ""
        style = "" if kind else ' style="border-color:#f5a623;background:#fff8e6"'
        parts.append(
            f'<div class="rc-verdict {kind}"{style}><strong>{esc(verdict_sentence(n, lang))}'
            "</strong></div>"
        )
    return _section(t("sum.section.executive", lang), *parts)


def headline(s: Summary) -> HtmlFragment:
    """Table: the headline numbers, their 95% intervals, how sure we are, how to read them."""
    lang, n = s.language, s.numbers
    pretrend_flag = math.isfinite(n["pretrend_p"]) and n["pretrend_p"] < PRETREND_ALPHA
    fragile = bool(n.get("fragile"))
    money = lambda v: fmt_money(v, lang)  # noqa: E731
    rows = [
        ("offsite_per_note", n["offsite"], money, confidence(n["offsite"], fragile),
         t("sum.read.offsite_per_note", lang, w=n["w"])),
        ("inapp_per_note", n["inapp"], money, confidence(n["inapp"], fragile),
         t("sum.read.inapp_per_note", lang)),
    ]  # fmt: skip
    week = t("sum.read.per_week", lang, linked=n["linked_per_week"])
    for key, name in (
        ("offsite_gmv_driven", "offsite_per_week"),
        ("inapp_gmv_lost", "inapp_per_week"),
    ):
        if key in n:
            rows.append((name, n[key], money, confidence(n[key], fragile), week))
    rows += [
        ("ratio", n["ratio"], fmt_ratio, confidence(n["ratio"], fragile), t("sum.read.ratio", lang)),
        ("merchant_pct", n["merchant_pct"], fmt_pct, confidence(n["merchant_pct"], pretrend_flag),
         t("sum.read.merchant_pct", lang)),
    ]  # fmt: skip
    if "net" in n:
        rows.append(("net", n["net"], money, confidence(n["net"]), t("sum.read.net", lang)))
    table = [
        {
            t("sum.col.metric", lang): t(f"sum.metric.{key}", lang),
            t("sum.col.estimate", lang): fmt(d["estimate"]),
            t("sum.col.interval", lang): fmt_interval(d["ci_low"], d["ci_high"], fmt, lang),
            t("sum.col.confidence", lang): t(f"sum.conf.{level}", lang),
            t("sum.col.reading", lang): reading,
        }
        for key, d, fmt, level, reading in rows
    ]
    if math.isfinite(n["auc"]):
        for key, value, reading in (
            ("auc", f"{n['auc']:.3f}", t("sum.read.auc", lang)),
            ("top10", f"{n['top10']:.0%}" if math.isfinite(n["top10"]) else "—",
             t("sum.read.top10", lang)),
        ):  # fmt: skip
            table.append(
                {
                    t("sum.col.metric", lang): t(f"sum.metric.{key}", lang),
                    t("sum.col.estimate", lang): value,
                    t("sum.col.interval", lang): "—",
                    t("sum.col.confidence", lang): t("sum.conf.measured", lang),
                    t("sum.col.reading", lang): reading,
                }
            )
    effects = {"offsite_per_note": n["offsite"], "inapp_per_note": n["inapp"]}
    return _section(
        t("sum.section.headline", lang),
        table_html(pd.DataFrame(table)),
        _chart(charts.effects_chart(effects, lang), t("sum.designs.chart.title", lang)),
        caption=t("sum.sure.intro", lang),
    )


def audiences(s: Summary) -> HtmlFragment:
    """What the numbers mean for e-commerce operations and for commercialization."""
    lang = s.language
    texts = audience_sentences(s.numbers, lang)
    return _section(
        t("sum.section.audiences", lang),
        _box(t("sum.aud.ops.title", lang), texts["ops"]),
        _box(t("sum.aud.ads.title", lang), texts["ads"]),
    )


def how_sure(s: Summary) -> HtmlFragment:
    """How sure we are: design flags, designs not estimated, agreement, sample size."""
    lang, n = s.language, s.numbers
    items = confidence_sentences(n, lang)
    items.append(
        t("sum.sure.sample", lang, notes=n["linked_notes_used"],
          merchants=int(s.volumes["enrolled_merchants"].sum()))
    )  # fmt: skip
    return _section(t("sum.section.confidence", lang), _list(items))


def _ledger_frame(table: pd.DataFrame, scope_label, lang: str, components) -> pd.DataFrame:
    rows = []
    for scope, part in table.groupby("scope", sort=False):
        values = part.set_index("component")
        row = {t("col.industry", lang): scope_label(scope)}
        for comp in components:
            v = values.loc[comp]
            if comp == "linked_notes":
                row[t(f"sum.to.{comp}", lang)] = f"{v['estimate']:,.1f}"
                continue
            cell = fmt_money(v["estimate"], lang)
            if comp not in ("ad_from_links",):
                cell += (
                    f"（{_money_interval(v, lang)}）"
                    if lang == "zh"
                    else (f" ({_money_interval(v, lang)})")
                )
            row[t(f"sum.to.{comp}", lang)] = cell
        row[t("sum.to.p_positive", lang)] = fmt_prob(values.loc["net", "p_positive"])
        rows.append(row)
    return pd.DataFrame(rows)


def tradeoff(s: Summary) -> HtmlFragment:
    """The platform's weekly ledger, the verdict, the break-even commission, a cross-check."""
    lang, n = s.language, s.numbers
    if s.tradeoff is None:
        return _section(t("sum.section.tradeoff", lang), _paragraph(t("sum.say.net_missing", lang)))
    total = s.tradeoff[s.tradeoff["scope"] == TOTAL]
    components = ("linked_notes", "offsite_gmv_driven", "inapp_gmv_lost", "extra_ad_spend",
                  "ad_from_links", "ad_from_spend", "commission_lost", "net")  # fmt: skip
    shown = _ledger_frame(total, lambda _: t("sum.to.total", lang), lang, components)
    shown = shown.drop(columns=[t("col.industry", lang)]).T.reset_index()
    shown.columns = [t("sum.to.component", lang), t("sum.to.total", lang)]
    parts = [
        f'<div class="rc-verdict"><strong>{esc(verdict_sentence(n, lang))}</strong></div>',
        table_html(shown),
        _chart(charts.ledger_chart(total, lang), t("sum.to.chart.title", lang)),
        _paragraph(breakeven_sentence(n, lang)),
    ]
    if s.lift is not None:
        parts.append(
            _paragraph(
                t("sum.to.lift", lang, lift=fmt_pct(s.lift.estimate),
                  lift_ci=fmt_interval(s.lift.ci_low, s.lift.ci_high, fmt_pct, lang), n=s.lift.n)
            )
        )  # fmt: skip
    else:
        parts.append(_paragraph(t("sum.aud.ads.no_lift", lang)))
    view = s.merchant_view
    if math.isfinite(view.get("estimate", NAN)):
        parts.append(
            _paragraph(
                t("sum.to.merchant_view", lang, pct=fmt_pct(n["merchant_pct"]["estimate"]),
                  lost=fmt_money(view["estimate"], lang), lost_ci=_money_interval(view, lang))
            )
        )  # fmt: skip
    caption = t(
        "sum.to.caption", lang, weeks=s.tradeoff.attrs.get("weeks", s.volumes.attrs["weeks"]),
        draws=DRAWS, commission=s.prices.commission_rate,
        per_note=s.prices.ad_revenue_per_linked_note, per_yuan=s.prices.ad_revenue_per_ad_yuan,
    )  # fmt: skip
    return _section(t("sum.section.tradeoff", lang), *parts, caption=caption)


def tradeoff_by_industry(s: Summary) -> HtmlFragment:
    """The ledger per industry: net per week with its interval and where the effect came from."""
    lang = s.language
    if s.tradeoff is None:
        return _section(t("sum.section.tradeoff_industry", lang))
    table = s.tradeoff[s.tradeoff["scope"] != TOTAL]
    components = ("linked_notes", "inapp_gmv_lost", "extra_ad_spend", "commission_lost", "net")
    shown = _ledger_frame(table, lambda code: label("industry", code, lang), lang, components)
    sources = table.drop_duplicates("scope")["effect_source"].to_numpy()
    shown[t("sum.to.source", lang)] = [t(f"sum.to.source.{src}", lang) for src in sources]
    return _section(
        t("sum.section.tradeoff_industry", lang),
        table_html(shown),
        _chart(charts.industry_net_chart(s.tradeoff, lang), t("sum.to.chart.industry_title", lang)),
        caption=t("sum.to.industry_caption", lang, min_linked=MIN_LINKED),
    )


def conversion(s: Summary) -> HtmlFragment:
    """Evidence 1: how well early signals predict off-site conversion (from notebook 02)."""
    lang, out, n = s.language, s.outputs, s.numbers
    if not out.has_conversion_model:
        return _section(t("sum.section.conversion", lang), _paragraph(t("sum.conv.missing", lang)))
    metrics = out.table("conversion_metrics").set_index("scorer")
    parts = [
        _paragraph(
            t("sum.conv.text", lang, h=n["h"], w=n["w"], n=int(metrics.loc["lightgbm", "n"]),
              auc=float(metrics.loc["lightgbm", "auc"]),
              logistic=float(metrics.loc["logistic", "auc"]) if "logistic" in metrics.index else NAN)
        )
    ]  # fmt: skip
    oracle = out.number("conversion.oracle_auc")
    if math.isfinite(oracle):
        parts.append(_paragraph(t("sum.conv.oracle", lang, oracle=oracle, gap=oracle - n["auc"])))
    gains = out.table("conversion_gains")
    parts.append(_chart(charts.gains_bars(gains, lang), t("sum.conv.chart.title", lang)))
    return _section(t("sum.section.conversion", lang), *parts)


def _effect_cell(estimate: float, low: float, high: float, unit: str, lang: str) -> str:
    if estimate is None or not math.isfinite(estimate):
        return t("sum.not_estimated", lang)
    fmt = (lambda v: fmt_money(v, lang)) if unit == "¥" else fmt_pct
    sep = "（{}）" if lang == "zh" else " ({})"
    return fmt(estimate) + sep.format(fmt_interval(low, high, fmt, lang))


def _check_text(design: str, checks: dict[str, float], lang: str) -> str:
    def num(v: float, digits: int = 2) -> str:
        return "—" if not math.isfinite(v) else (f"{v:.{digits}f}" if abs(v) < 1e6 else "∞")

    if design == "note_dml":
        return t("sum.check.propensity", lang, auc=num(checks["propensity_auc"]))
    if design == "merchant_did":
        return t("sum.check.pretrend", lang, p=num(checks["pretrend_p"]))
    f = checks["first_stage_f"]
    return t(
        "sum.check.density", lang, p=num(checks["density_p"]),
        f="∞" if math.isinf(f) else num(f, 1),
    )  # fmt: skip


def designs(s: Summary) -> HtmlFragment:
    """Evidence 2: the three causal designs side by side, with what each assumes."""
    lang = s.language
    frame = s.outputs.table("cannibalization_designs").set_index("design")
    checks = design_checks(frame.reset_index())
    rows = []
    for design in DESIGNS:
        if design not in frame.index:
            continue
        r = frame.loc[design]
        flagged = design == "merchant_did" and checks["pretrend_p"] < PRETREND_ALPHA
        effect = {"estimate": float(r["estimate"]), "ci_low": float(r["ci_low"]),
                  "ci_high": float(r["ci_high"])}  # fmt: skip
        rows.append(
            {
                t("sum.designs.col.design", lang): t(f"cannib.design.{design}", lang),
                t("cannib.col.estimate", lang): _effect_cell(
                    effect["estimate"],
                    effect["ci_low"],
                    effect["ci_high"],
                    DESIGN_UNITS[design],
                    lang,
                ),  # fmt: skip
                t("sum.col.confidence", lang): t(f"sum.conf.{confidence(effect, flagged)}", lang),
                t("cannib.col.n", lang): f"{int(r['n']):,}",
                t("sum.designs.col.estimand", lang): t(f"cannib.estimand.{design}", lang),
                t("sum.designs.col.assumes", lang): t(f"cannib.assume.{design}", lang),
                t("sum.designs.col.checks", lang): _check_text(design, checks, lang),
            }
        )
    return _section(
        t("sum.section.designs", lang),
        table_html(pd.DataFrame(rows)),
        caption=t("sum.designs.caption", lang),
    )


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _level(dimension: str, level: str, lang: str) -> str:
    if dimension in ("industry", "tier"):
        return label(dimension, level, lang)
    if dimension == "has_inapp_store":
        return t("sum.het.yes" if level == "True" else "sum.het.no", lang)
    return f"¥{level}"


def heterogeneity(s: Summary) -> HtmlFragment:
    """Evidence 3: effects by industry, in-app store, price band and creator tier."""
    lang = s.language
    table = s.outputs.table("cannibalization_subgroups")
    keyed = table.set_index(["outcome", "dimension", "level"])
    rows = []
    base = table[table["outcome"] == "inapp_gmv"]
    for r in base.itertuples(index=False):
        off = (
            keyed.loc[("offsite_gmv", r.dimension, r.level)]
            if (("offsite_gmv", r.dimension, r.level) in keyed.index)
            else None
        )
        rows.append(
            {
                t("sum.het.col.group", lang): f"{t('sum.het.dim.' + r.dimension, lang)}{_colon(lang)}"
                f"{_level(r.dimension, str(r.level), lang)}",
                t("sum.het.col.linked", lang): f"{int(r.n_linked):,}",
                t("sum.het.col.inapp", lang): _effect_cell(r.estimate, r.ci_low, r.ci_high, "¥", lang),
                t("sum.het.col.offsite", lang): _effect_cell(
                    off["estimate"], off["ci_low"], off["ci_high"], "¥", lang
                ) if off is not None else "—",
            }
        )  # fmt: skip
    parts = [table_html(pd.DataFrame(rows))]
    estimated = base.dropna(subset=["estimate"])
    if not estimated.empty:
        worst = estimated.loc[estimated["estimate"].idxmin()]
        parts.append(
            _paragraph(
                t("sum.het.largest", lang,
                  group=f"{t('sum.het.dim.' + worst['dimension'], lang)}{_colon(lang)}"
                  f"{_level(worst['dimension'], str(worst['level']), lang)}",
                  effect=fmt_money(float(worst["estimate"]), lang))
            )
        )  # fmt: skip
    overall = s.numbers["inapp"]["estimate"]
    fig = cannib_charts.forest_chart(table, "inapp_gmv", overall, lang)
    parts.append(_chart(fig, t("cannib.section.subgroups_inapp_gmv", lang)))
    return _section(
        t("sum.section.heterogeneity", lang), *parts,
        caption=t("sum.het.caption", lang, min=MIN_LINKED),
    )  # fmt: skip


def robustness(s: Summary) -> HtmlFragment:
    """Evidence 4: the design flags in words and the merchant-level event study."""
    lang = s.language
    parts = [_list(confidence_sentences(s.numbers, lang))]
    events = s.outputs.optional_table("cannibalization_event_study")
    if events is not None and not events.empty:
        fig = cannib_charts.event_study_chart(events, lang)
        parts.append(_chart(fig, t("sum.rob.chart.title", lang)))
    return _section(t("sum.section.robustness", lang), *parts, caption=t("sum.rob.caption", lang))


def coverage(s: Summary) -> HtmlFragment:
    """Evidence 5: the contract verdict, rows per table, and what the model could use."""
    lang, out = s.language, s.outputs
    valid = out.result("overview.data_valid", True)
    parts = [_paragraph(t("sum.cov.valid" if valid else "sum.cov.invalid", lang))]
    cov = out.optional_table("overview_coverage")
    if cov is not None:
        shown = pd.DataFrame(
            {
                t("col.table", lang): cov["table"].map(lambda name: label("table", name, lang)),
                t("col.rows", lang): cov["rows"].astype(int),
                t("col.rows_as_of", lang): cov["rows_as_of"].astype(int),
                t("col.first", lang): cov["first"],
                t("col.last", lang): cov["last"],
            }
        )
        parts.append(table_html(shown))
    used = out.optional_table("conversion_notes_used")
    if used is not None:
        counts = dict(zip(used["what"], used["count"], strict=True))
        parts.append(
            _paragraph(
                t("sum.cov.counts", lang, published=int(counts.get("notes_published", 0)),
                  mature=int(counts.get("mature", 0)), live=int(counts.get("live_notes", 0)))
            )
        )  # fmt: skip
    enrolled = out.result("overview.enrolled_merchants")
    if enrolled is not None:
        parts.append(_paragraph(t("sum.cov.enrolled", lang, n=int(enrolled))))
    return _section(t("sum.section.coverage", lang), *parts)


def appendix(s: Summary) -> HtmlFragment:
    """Every assumption the numbers rest on, in words."""
    lang, params = s.language, s.run.params
    h, w = params.horizon_hours, params.window_days
    definitions = [
        t("sum.app.def.linked", lang, h=h),
        t("sum.app.def.window", lang, w=w),
        t("sum.app.def.effect", lang),
        t("sum.app.def.ratio", lang),
        t("sum.app.def.merchant", lang),
        t("sum.app.def.interval", lang),
        t("sum.app.def.interval_checked", lang),
        t("sum.app.delay", lang),
    ]
    designs_text = [
        f"{t(f'cannib.design.{d}', lang)}：{t(f'cannib.assume.{d}', lang)}"
        if lang == "zh"
        else f"{t(f'cannib.design.{d}', lang)}: {t(f'cannib.assume.{d}', lang)}"
        for d in DESIGNS
    ]
    conv = [t(f"sum.app.conv.{i}", lang, h=h) if i == 1 else t(f"sum.app.conv.{i}", lang)
            for i in range(1, 5)]  # fmt: skip
    trade = [t(f"sum.app.to.{i}", lang) for i in range(1, 5)]
    trade.append(t("sum.app.to.5", lang, min_linked=MIN_LINKED))
    return _section(
        t("sum.section.appendix", lang),
        f"<h3>{esc(t('sum.app.definitions', lang))}</h3>",
        _list(definitions),
        f"<h3>{esc(t('sum.app.designs', lang))}</h3>",
        _list(designs_text),
        f"<h3>{esc(t('sum.app.conversion', lang))}</h3>",
        _list(conv),
        f"<h3>{esc(t('sum.app.tradeoff', lang))}</h3>",
        _list(trade),
    )
