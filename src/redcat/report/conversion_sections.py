"""The sections of notebook 02 (off-site conversion): one call each, returning what the report shows.

`fit(run)` does the work once: it runs the conversion study (redcat.modeling.study), saves the
versioned model (redcat.modeling.artifacts), records the run's results
(`conversion.test_auc`, `conversion.test_pr_auc`, `conversion.test_logloss`, ...) and writes
`predictions.parquet` beside results.json. Every other function takes what `fit` returned and
renders one section: a heading in the run's language, a table or chart, a caption.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from redcat.contract import METRIC_KEYS
from redcat.engine.cache import frame_digest
from redcat.engine.cluster import current_client
from redcat.engine.memo import remember, run_memo_key
from redcat.features import FeatureTables, build_features
from redcat.modeling import drivers as drv
from redcat.modeling.artifacts import card_from_study, save_model
from redcat.modeling.oracle import load_note_truth
from redcat.modeling.study import (
    HINDSIGHT,
    LOGISTIC,
    MODEL,
    ORACLE,
    PRIOR,
    RANDOM,
    ConversionStudy,
    NotEnoughData,
    run_conversion_study,
)
from redcat.report import conversion_charts as charts
from redcat.report.conversion_text import register as _register_text
from redcat.report.i18n import label, t
from redcat.report.layout import chart as _chart
from redcat.report.layout import paragraph as _paragraph
from redcat.report.layout import section as _section
from redcat.report.tables import HtmlFragment, esc, money, number, percent, table_html

log = logging.getLogger(__name__)
_register_text()

PREDICTIONS_FILE = "predictions.parquet"
TOP_DRIVERS = 4  # features explained in words and small charts
LIVE_ROWS = 10
METRIC_COLUMNS = ("auc", "pr_auc", "logloss", "brier", "ece", "mean_predicted", "observed_rate")


@dataclass
class Conversion:
    """What `fit` produced for the sections: the study, where the model went, or why not."""

    run: Any
    study: ConversionStudy | None = None
    model_dir: Path | None = None
    problem: str = ""
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.run.language


# --- building blocks -----------------------------------------------------------------------


def _unavailable(c: Conversion, heading_key: str) -> HtmlFragment | None:
    if c.study is not None:
        return None
    return _section(
        t(heading_key, c.language), _paragraph(t("conv.not_enough", c.language, reason=c.problem))
    )


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


# --- the work --------------------------------------------------------------------------------
MEMO_NAME = "conversion.study"
# What computes the study: a change in any of these files trains again on a warm re-run.
STUDY_CODE = (
    "redcat.modeling",
    "redcat.features",
    "redcat.targets",
    "redcat.engine",
    "redcat.config",
)


def _study(run, truth: pd.DataFrame | None) -> tuple[ConversionStudy, dict[str, Any]]:
    """The run's conversion study and the sections' cache of what is derived from it alone
    (the drivers), reused from earlier in this kernel when nothing changed."""
    params, client = run.params, current_client()

    def compute() -> tuple[ConversionStudy, dict[str, Any]]:
        study = run_conversion_study(
            run.data,
            as_of=run.as_of,
            window_days=params.window_days,
            horizon_hours=params.horizon_hours,
            seed=params.seed,
            note_truth=truth,
        )
        return study, {}

    key = run_memo_key(
        run,
        STUDY_CODE,
        # the Dask path trains another (equally good, not identical) model
        cluster=getattr(params, "cluster", "local") if client is not None else "local",
        truth=frame_digest(truth) if truth is not None else "none",
    )
    if key is None:  # data not from files: nothing reliable to key on
        return compute()
    return remember(MEMO_NAME, key, compute, source=run.data)


def fit(run) -> Conversion:
    """Train and evaluate the model, save it, record results and predictions (no display).

    The study (the expensive part) is reused on a warm re-run in the same kernel with the same
    data, parameters and code (redcat.engine.memo); recording the results, writing the
    predictions and saving the model version happen on every run.
    """
    params = run.params
    truth = load_note_truth(run.data.folder, params.window_days)
    try:
        study, cache = _study(run, truth)
    except NotEnoughData as exc:
        log.warning("conversion model not trained: %s", exc)
        for key in METRIC_KEYS:  # present but null: "no model", never a made-up number
            run.record(key, float("nan"))
        return Conversion(run=run, problem=str(exc))
    run.record("conversion.test_auc", study.metric(MODEL, "auc"))
    run.record("conversion.test_pr_auc", study.metric(MODEL, "pr_auc"))
    run.record("conversion.test_logloss", study.metric(MODEL, "logloss"))
    run.record("conversion.test_brier", study.metric(MODEL, "brier"))
    run.record("conversion.test_ece", study.metric(MODEL, "ece"))
    if study.has_oracle:
        run.record("conversion.oracle_auc", study.metric(ORACLE, "auc"))
    predictions_path = Path(run.run_dir) / PREDICTIONS_FILE
    tmp = predictions_path.with_name(f".{PREDICTIONS_FILE}.tmp")
    study.predictions().to_parquet(tmp, index=False)
    tmp.replace(predictions_path)
    model_dir = save_model(
        study.model, card_from_study(study, run.data.fingerprint), fingerprint=run.data.fingerprint
    )
    run.record("conversion.model_version", model_dir.name)
    return Conversion(run=run, study=study, model_dir=model_dir, cache=cache)


# --- sections --------------------------------------------------------------------------------
def notes_used(c: Conversion) -> HtmlFragment:
    """Table: notes published, held back (signals incomplete, immature) and in each split."""
    if (missing := _unavailable(c, "conv.section.notes")) is not None:
        return missing
    lang, study = c.language, c.study
    counts = study.counts
    # Two groups that add up: mature notes (learned from and tested) and immature ones (kept
    # out: live ones are scored, the youngest not even that).
    keys = (
        ("notes_published", 0),
        ("mature", 0),
        ("train_notes", 1),
        ("valid_notes", 1),
        ("test_notes", 1),
        ("immature", 0),
        ("live_notes", 1),
        ("features_not_final", 1),
    )
    table = pd.DataFrame(
        {
            t("conv.col.what", lang): [
                "· " * depth + t(f"conv.count.{k}", lang, h=study.horizon_hours)
                for k, depth in keys
            ],
            t("conv.col.count", lang): [int(counts[k]) for k, _ in keys],
        }
    )
    c.run.save_table(
        "conversion_notes_used",
        pd.DataFrame({"what": [k for k, _ in keys], "count": [counts[k] for k, _ in keys]}),
    )
    caption = t(
        "conv.caption.notes",
        lang,
        w=study.window_days,
        as_of=_day(study.as_of),
        lag=counts["reporting_lag_hours"],
        rate=counts["positive_rate_mature"],
    )
    return _section(t("conv.section.notes", lang), table_html(table), caption=caption)


def _scorer_names(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    return frame[column].map(lambda s: t(f"conv.scorer.{s}", lang))


def accuracy(c: Conversion) -> HtmlFragment:
    """Table: the model, both baselines and (on simulated data) the oracle, on the test notes."""
    if (missing := _unavailable(c, "conv.section.accuracy")) is not None:
        return missing
    lang, study = c.language, c.study
    metrics = study.metrics
    c.run.save_table("conversion_metrics", metrics)
    shown = metrics[["scorer", *METRIC_COLUMNS]].copy()
    shown["scorer"] = _scorer_names(shown, "scorer", lang)
    names = {"scorer": t("conv.col.scorer", lang)} | {
        m: t(f"conv.col.{m}", lang) for m in METRIC_COLUMNS
    }
    formats = {names[m]: number(4) for m in ("auc", "pr_auc", "logloss", "brier", "ece")}
    formats |= {names[m]: percent(2) for m in ("mean_predicted", "observed_rate")}
    verdicts = []
    if study.has_oracle:
        auc, oracle = study.metric(MODEL, "auc"), study.metric(ORACLE, "auc")
        verdicts.append(t("conv.verdict.oracle", lang, auc=auc, oracle=oracle, gap=oracle - auc))
    # A constant prediction (the prior rate) has AUC 0.5, so one rule covers both baselines.
    beats = all(
        study.metric(MODEL, "auc") > study.metric(b, "auc")
        and study.metric(MODEL, "logloss") < study.metric(b, "logloss")
        for b in (LOGISTIC, PRIOR)
    )
    if beats:
        verdicts.append(
            t(
                "conv.verdict.baselines",
                lang,
                d_auc=study.metric(MODEL, "auc") - study.metric(LOGISTIC, "auc"),
                d_ll=study.metric(LOGISTIC, "logloss") - study.metric(MODEL, "logloss"),
            )
        )
    else:
        verdicts.append(t("conv.verdict.baselines_fail", lang))
    start, end = study.counts["test_period"]
    caption = t("conv.caption.accuracy", lang, n=len(study.test), start=_day(start), end=_day(end))
    return _section(
        t("conv.section.accuracy", lang),
        table_html(shown.rename(columns=names), formats=formats),
        *(_paragraph(v) for v in verdicts),
        caption=caption,
    )


def calibration(c: Conversion) -> HtmlFragment:
    """Chart: predicted vs observed conversion in ten groups, model and oracle."""
    if (missing := _unavailable(c, "conv.section.calibration")) is not None:
        return missing
    lang, study = c.language, c.study
    c.run.save_table("conversion_calibration", study.calibration)
    fig = charts.calibration_chart(study.calibration, lang)
    method = study.model.calibrator.method
    check = study.ece_check
    oracle_ece = f"{study.metric(ORACLE, 'ece'):.4f}" if study.has_oracle else "–"
    vs_truth = f"{check['ece_vs_truth']:.4f}" if "ece_vs_truth" in check else "–"
    caption = t(
        "conv.caption.calibration",
        lang,
        ece=study.metric(MODEL, "ece"),
        ece_low=check["ece_low"],
        ece_high=check["ece_high"],
        floor=check["ece_noise_floor"],
        oracle_ece=oracle_ece,
        vs_truth=vs_truth,
        method=t(f"conv.calibration.{method}", lang),
    )
    return _section(
        t("conv.section.calibration", lang),
        _chart(fig, t("conv.section.calibration", lang)),
        caption=caption,
    )


def gains(c: Conversion) -> HtmlFragment:
    """Chart and table: share of off-site GMV captured by the top 5/10/20% of notes."""
    if (missing := _unavailable(c, "conv.section.gains")) is not None:
        return missing
    lang, study = c.language, c.study
    table = study.gains
    c.run.save_table("conversion_gains", table)
    shown = table[table["ranking"] != RANDOM].copy()
    order = [r for r in (MODEL, ORACLE, HINDSIGHT) if r in set(shown["ranking"])]
    shown = shown.set_index("ranking").loc[order].reset_index()
    shown["ranking"] = _scorer_names(shown, "ranking", lang)
    cols = ["top_5pct", "top_10pct", "top_20pct"]
    names = {"ranking": t("conv.col.ranking", lang)} | {k: t(f"conv.col.{k}", lang) for k in cols}
    top10 = float(table.loc[table["ranking"] == MODEL, "top_10pct"].iloc[0])
    fig = charts.gains_chart(study.gains_curves, lang)
    return _section(
        t("conv.section.gains", lang),
        _chart(fig, t("conv.section.gains", lang)),
        table_html(shown.rename(columns=names), formats={names[k]: percent(1) for k in cols}),
        caption=t(
            "conv.caption.gains",
            lang,
            top10=top10,
            expected=study.counts["test_gmv_expected"],
            observed=study.counts["test_gmv_observed"],
        ),
    )


def by_industry(c: Conversion) -> HtmlFragment:
    """Table: per industry, test notes, observed rate, mean prediction, model/baseline/oracle AUC."""
    if (missing := _unavailable(c, "conv.section.by_industry")) is not None:
        return missing
    lang, study = c.language, c.study
    table = study.by_industry
    c.run.save_table("conversion_by_industry", table)
    cols = ["group", "n", "observed_rate", f"{MODEL}_mean", f"{MODEL}_auc", f"{LOGISTIC}_auc"]
    if study.has_oracle:
        cols.append(f"{ORACLE}_auc")
    shown = table[cols].copy()
    shown["group"] = shown["group"].map(lambda code: label("industry", code, lang))
    names = {
        "group": t("col.industry", lang),
        "n": t("conv.col.n", lang),
        "observed_rate": t("conv.col.observed_rate", lang),
        f"{MODEL}_mean": t("conv.col.model_mean", lang),
        f"{MODEL}_auc": t("conv.col.model_auc", lang),
        f"{LOGISTIC}_auc": t("conv.col.logistic_auc", lang),
        f"{ORACLE}_auc": t("conv.col.oracle_auc", lang),
    }
    formats = {names["observed_rate"]: percent(1), names[f"{MODEL}_mean"]: percent(1)}
    formats |= {names[k]: number(3) for k in cols if k.endswith("_auc")}
    return _section(
        t("conv.section.by_industry", lang),
        table_html(shown.rename(columns=names), formats=formats),
        caption=t("conv.caption.by_industry", lang, min_n=50),
    )


def _drivers(c: Conversion) -> dict[str, Any]:
    if "drivers" not in c.cache:
        study = c.study
        sample = drv.sample_notes(study.features, seed=study.seed)
        contributions = study.model.contributions(sample)
        importance = drv.add_direction(drv.global_importance(contributions), sample, contributions)
        top = list(importance["feature"].head(TOP_DRIVERS))
        published = study.publish_time.reindex(sample.index)
        curves = pd.concat(
            [drv.partial_dependence(study.model, sample, f, published) for f in top],
            ignore_index=True,
        )
        c.cache["drivers"] = {
            "importance": importance,
            "effects": drv.driver_effects(study.model, sample, top, published),
            "curves": curves,
        }
    return c.cache["drivers"]


MONEY_FEATURES = (
    "price",
    "ad_spend",
    "inapp_gmv",
    "merchant_daily_ad_spend",
    "merchant_funnel_budget",
)


def _value_text(feature: str, value: Any, lang: str) -> str:
    """A feature value as a reader would write it: counts whole, shares in %, money in ¥."""
    if isinstance(value, str):
        return label(feature, value, lang)
    value = float(value)
    if feature.endswith(("_rate", "_share")):
        return f"{value:.1%}"
    if feature in MONEY_FEATURES:
        return money(0)(value)
    if feature in ("price_vs_industry", "collect_ratio"):
        return f"{value:.2f}×"
    return f"{value:,.0f}" if abs(value) >= 10 or value == round(value) else f"{value:,.1f}"


def driver_sentences(effects: pd.DataFrame, lang: str) -> list[str]:
    """One plain sentence per top feature: how the mean prediction moves with it."""
    sentences = []
    for row in effects.itertuples(index=False):
        key = {"category": "conv.drivers.category", "flag": "conv.drivers.flag"}.get(
            row.kind, "conv.drivers.up"
        )
        sentences.append(
            t(
                key,
                lang,
                feature=charts.feature_label(row.feature, lang),
                low=_value_text(row.feature, row.low, lang),
                high=_value_text(row.feature, row.high, lang),
                p_low=row.p_low,
                p_high=row.p_high,
            )
        )
    return sentences


def drivers(c: Conversion) -> HtmlFragment:
    """Chart of the top features, a sentence each for the top four, their dependence curves."""
    if (missing := _unavailable(c, "conv.section.drivers")) is not None:
        return missing
    lang = c.language
    found = _drivers(c)
    c.run.save_table("conversion_drivers", found["importance"])
    items = "".join(f"<li>{esc(s)}</li>" for s in driver_sentences(found["effects"], lang))
    return _section(
        t("conv.section.drivers", lang),
        _chart(charts.importance_chart(found["importance"], lang), t("conv.section.drivers", lang)),
        f'<ul class="rc-list">{items}</ul>',
        _chart(charts.partial_dependence_chart(found["curves"], lang), t("conv.chart.pd_y", lang)),
        caption=t("conv.caption.drivers", lang),
    )


def live_notes(c: Conversion) -> HtmlFragment:
    """Table: the live notes (window still open) with the highest expected off-site GMV."""
    if (missing := _unavailable(c, "conv.section.live")) is not None:
        return missing
    lang, study = c.language, c.study
    live = study.live
    if live.empty:
        return _section(t("conv.section.live", lang), _paragraph(t("conv.live.none", lang)))
    top = live.sort_values(
        ["expected_offsite_gmv", "note_id"], ascending=[False, True], kind="stable"
    ).head(LIVE_ROWS)
    notes = c.run.data.notes.assign(note_id=c.run.data.notes["note_id"].astype(str))
    notes = notes.set_index("note_id")
    scoped = FeatureTables.of(c.run.data, notes.loc[top["note_id"]].reset_index())
    contributions = study.model.contributions(
        build_features(scoped, study.horizon_hours, study.model.reference)
    )
    pushes = drv.top_drivers_per_note(contributions, k=3)
    titles = notes["title"] if "title" in notes.columns else pd.Series("", index=notes.index)
    shown = pd.DataFrame(
        {
            t("conv.col.note_id", lang): top["note_id"].to_numpy(),
            t("conv.col.title", lang): titles.reindex(top["note_id"]).to_numpy(),
            t("conv.col.published", lang): notes["publish_time"].reindex(top["note_id"]).to_numpy(),
            t("conv.col.p_offsite", lang): top["p_offsite"].to_numpy(),
            t("conv.col.expected_gmv", lang): top["expected_offsite_gmv"].to_numpy(),
            t("conv.col.drivers", lang): [
                "、".join(
                    charts.feature_label(pushes.loc[n, f"driver_{i}"], lang) for i in (1, 2, 3)
                )
                if lang == "zh"
                else ", ".join(
                    charts.feature_label(pushes.loc[n, f"driver_{i}"], lang) for i in (1, 2, 3)
                )
                for n in top["note_id"]
            ],
        }
    )
    formats = {
        t("conv.col.p_offsite", lang): percent(1),
        t("conv.col.expected_gmv", lang): money(0),
    }
    caption = t(
        "conv.caption.live",
        lang,
        k=len(top),
        n=len(live),
        h=study.horizon_hours,
        w=study.window_days,
    )
    return _section(
        t("conv.section.live", lang), table_html(shown, formats=formats), caption=caption
    )


def model_files(c: Conversion) -> HtmlFragment:
    """Where the model was saved, how it was trained, and the command that scores new data."""
    if (missing := _unavailable(c, "conv.section.model")) is not None:
        return missing
    lang, study = c.language, c.study
    info = study.model.info
    command = f"redcat score --model {c.model_dir} --data FOLDER --out scores.parquet"
    return _section(
        t("conv.section.model", lang),
        _paragraph(
            t("conv.model.saved", lang, version=c.model_dir.name, path=c.model_dir, command=command)
        ),
        _paragraph(
            t(
                "conv.model.facts",
                lang,
                rounds=info["classifier_rounds"],
                gmv_rounds=info["gmv_rounds"],
                seconds=info["train_seconds"],
                seed=study.seed,
            )
        ),
    )
