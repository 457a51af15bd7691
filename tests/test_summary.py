"""The summary (notebook 04): its text in both languages, filled from the numbers, and the
run-folder reader that fails with the missing file's name."""

from __future__ import annotations

import math
import string

import pandas as pd
import pytest

from redcat import notebook
from redcat.report import summary_sections as s
from redcat.report.i18n import LANGUAGES, TEXT
from redcat.report.summary_text import SUMMARY_TEXT
from redcat.results import record_result
from redcat.run_outputs import (
    CANNIBALIZATION_NOTEBOOK,
    REQUIRED_RESULTS,
    REQUIRED_TABLES,
    TABLES_DIR,
    MissingRunOutput,
    load_run_outputs,
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(SUMMARY_TEXT))
def test_every_summary_key_has_both_languages_with_the_same_fields(key):
    assert set(TEXT[key]) == set(LANGUAGES)
    assert all(TEXT[key][lang].strip() for lang in LANGUAGES)
    assert _fields(TEXT[key]["zh"]) == _fields(TEXT[key]["en"])


def test_every_key_the_sections_use_exists():
    import re
    from pathlib import Path

    source = Path(s.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'"((?:sum|cannib|conv)\.[a-z_.0-9]+)"', source))
    # keys built from parts (f-strings) are checked through the values they can take
    used |= {f"sum.conf.{k}" for k in ("strong", "unclear", "caution", "missing", "measured")}
    used |= {f"sum.to.{c}" for c in s.charts.LEDGER_ITEMS}
    used |= {f"cannib.{kind}.{d}" for kind in ("design", "estimand", "assume") for d in s.DESIGNS}
    used |= {f"sum.het.dim.{d}" for d in ("industry", "has_inapp_store", "price_band", "tier")}
    assert sorted(k for k in used if k not in TEXT) == []


NUMBERS = {
    "w": 14,
    "h": 72,
    "offsite": {"estimate": 194.29, "ci_low": 61.08, "ci_high": 322.3, "n": 117},
    "inapp": {"estimate": -66.2, "ci_low": -120.4, "ci_high": -12.1, "n": 117},
    "ratio": {"estimate": 0.34, "ci_low": 0.05, "ci_high": 0.71, "n": 117},
    "merchant_pct": {"estimate": -8.953, "ci_low": -23.86, "ci_high": 5.955, "n": 46},
    "auc": 0.8731,
    "top10": 0.5949,
    "linked_per_week": 6.48,
    "enrolled_gmv_per_week": 21_000.0,
    "offsite_gmv_driven": {"estimate": 1259.3, "ci_low": 405.5, "ci_high": 2090.2},
    "inapp_gmv_lost": {"estimate": 429.0, "ci_low": 78.4, "ci_high": 780.2},
    "extra_ad_spend": {"estimate": 207_989.0, "ci_low": 170_000.0, "ci_high": 243_000.0},
    "commission_lost": {"estimate": 21.45, "ci_low": 3.9, "ci_high": 39.0},
    "net": {"estimate": 207_967.6, "ci_low": 170_432.4, "ci_high": 242_796.9, "p_positive": 1.0},
    "ads": 207_989.0,
    "breakeven": 0.4848,
    "lift": {"estimate": 25.15, "ci_low": 19.64, "ci_high": 30.66},
    "pretrend_p": 0.003,
    "fragile": None,
    "not_estimated": [("threshold_rdd", "threshold RDD: not estimated (too few merchants)")],
}


def test_executive_summary_in_chinese_is_filled_from_the_numbers():
    text = " ".join(s.executive_sentences(NUMBERS, "zh"))
    for expected in (
        "¥194（95% 区间 ¥61 至 ¥322）",  # off-site per linked note
        "每周约 6.5 篇挂链笔记",
        "¥1,259（¥406 至 ¥2,090）",  # off-site per week
        "减少约 ¥66（95% 区间 −¥120 至 −¥12）",  # in-app loss per note
        "每周约 ¥429（¥78 至 ¥780）",
        "站内约少 ¥0.34（95% 区间 0.05 至 0.71）",
        "变化 −9.0%（95% 区间 −23.9% 至 +6.0%）",
        "AUC 0.87",
        "59% 的站外 GMV",
        "¥20.8 万（95% 区间 ¥17.0 万 至 ¥24.3 万）",
        ">99%",
    ):
        assert expected in text, expected


def test_executive_summary_in_english_is_filled_from_the_numbers():
    text = " ".join(s.executive_sentences(NUMBERS, "en"))
    for expected in (
        "¥194 of extra off-site GMV within 14 days (95% interval ¥61 to ¥322)",
        "about ¥1,259 a week (¥406 to ¥2,090)",
        "took about ¥66 of in-app GMV (95% interval −¥120 to −¥12)",
        "about ¥0.34 of in-app GMV is lost (95% interval 0.05 to 0.71)",
        "changed by −9.0% after enrolling (95% interval −23.9% to +6.0%)",
        "test AUC 0.87",
        "brought 59% of off-site GMV",
        "about ¥207,968 a week net (95% interval ¥170,432 to ¥242,797)",
    ):
        assert expected in text, expected
    assert s.verdict_sentence(NUMBERS, "en").startswith(
        "Verdict: at these parameters Red Cat is worth more"
    )


def test_unclear_and_unbounded_results_are_said_as_such():
    unclear = dict(NUMBERS)
    unclear["inapp"] = {"estimate": 35.6, "ci_low": -54.1, "ci_high": 110.0, "n": 117}
    unclear["ratio"] = {"estimate": 0.2, "ci_low": -math.inf, "ci_high": math.inf, "n": 117}
    unclear["net"] = {"estimate": -50.0, "ci_low": -400.0, "ci_high": 300.0, "p_positive": 0.41}
    zh = " ".join(s.executive_sentences(unclear, "zh"))
    assert "还说不准" in zh and "¥36，95% 区间 −¥54 至 ¥110" in zh
    assert "区间无界" in zh and "净亏约 ¥50" in zh and "41%" in zh
    en = " ".join(s.executive_sentences(unclear, "en"))
    assert "cannot yet be told" in en and "unbounded" in en
    assert "not settled" in s.verdict_sentence(unclear, "en")


def test_audiences_and_confidence_speak_from_the_numbers():
    for lang, bits in {
        "zh": [
            "¥429",
            "2.0%",
            "+25.1%",
            "盈亏平衡佣金率：48.5%",
            "p = 0.00",
            "¥5,000 门槛断点回归",
        ],
        "en": ["¥429", "2.0%", "+25.1%", "rate: 48.5%", "p = 0.00", "¥5,000 threshold RDD"],
    }.items():
        texts = s.audience_sentences(NUMBERS, lang)
        sure = " ".join(s.confidence_sentences(NUMBERS, lang))
        joined = texts["ops"] + texts["ads"] + sure
        for bit in bits:
            assert bit in joined, (lang, bit)
    over = dict(NUMBERS, breakeven=160.1)
    assert "即使站内佣金率为 100%" in s.audience_sentences(over, "zh")["ads"]
    assert "¥429 a week" in s.audience_sentences(over, "en")["ads"]
    no_loss = dict(NUMBERS, breakeven=math.inf)
    assert "无论站内佣金率多高" in s.audience_sentences(no_loss, "zh")["ads"]
    assert "。按点估计" in s.audience_sentences(no_loss, "zh")["ads"]  # no space between sentences
    fragile = dict(NUMBERS, fragile=True)
    assert any("fragile" in x for x in s.confidence_sentences(fragile, "en"))


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(1234.4, "zh", "¥1,234"), (208_000.0, "zh", "¥20.8 万"), (208_000.0, "en", "¥208,000"),
     (-54.1, "en", "−¥54"), (math.nan, "en", "—")],
)  # fmt: skip
def test_money_formats(value, lang, text):
    assert s.fmt_money(value, lang) == text


def test_confidence_levels():
    assert s.confidence({"estimate": 1.0, "ci_low": 0.5, "ci_high": 2.0}) == "strong"
    assert s.confidence({"estimate": 1.0, "ci_low": -0.5, "ci_high": 2.0}) == "unclear"
    assert s.confidence({"estimate": 1.0, "ci_low": 0.5, "ci_high": 2.0}, flagged=True) == "caution"
    assert s.confidence({"estimate": 1.0, "ci_low": -math.inf, "ci_high": math.inf}) == "caution"
    assert (
        s.confidence({"estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan}) == "missing"
    )


def test_design_checks_are_read_from_notebook_03s_table():
    designs = pd.DataFrame(
        {"checks": ["propensity AUC 0.46; controls: x", "pre-trend p = 0.03; naive TWFE -11.9%",
                    "density test p = 0.80; first-stage F = inf"]}
    )  # fmt: skip
    found = s.design_checks(designs)  # a table saved before the typed columns: the text
    assert found["propensity_auc"] == 0.46 and found["pretrend_p"] == 0.03
    assert found["density_p"] == 0.8 and math.isinf(found["first_stage_f"])
    assert found["fragile"] is None


def test_design_checks_prefer_the_typed_columns():
    nan = math.nan
    designs = pd.DataFrame(
        {
            "design": ["note_dml", "merchant_did", "threshold_rdd"],
            "checks": ["propensity AUC 0.99", "pre-trend p = 0.99", "density test p = 0.99"],
            "propensity_auc": [0.46, nan, nan],
            "pretrend_p": [nan, 0.031, nan],
            "density_p": [nan, nan, 0.8],
            "first_stage_f": [nan, nan, math.inf],
            "fragile": pd.array([True, None, None], dtype="boolean"),
        }
    )
    found = s.design_checks(designs)
    assert found["propensity_auc"] == 0.46 and found["pretrend_p"] == 0.031
    assert found["density_p"] == 0.8 and math.isinf(found["first_stage_f"])
    assert found["fragile"] is True
    not_run = designs.assign(fragile=pd.array([None] * 3, dtype="boolean"))
    assert s.design_checks(not_run)["fragile"] is None


# --- the run-folder reader ---------------------------------------------------------------------
def _complete_run(folder):
    for key in REQUIRED_RESULTS:
        value = (
            float("nan")
            if key == "conversion.test_auc"
            else {"estimate": 1.0, "ci_low": None, "ci_high": 2.0, "method": "m", "n": 3}
        )
        record_result(folder, key, value)
    for name in REQUIRED_TABLES:
        path = folder / TABLES_DIR / f"{name}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"a": [1]}).to_parquet(path)


def test_outputs_are_read_back(tmp_path):
    assert TABLES_DIR == notebook.TABLES_DIR
    _complete_run(tmp_path)
    outputs = load_run_outputs(tmp_path)
    assert not outputs.has_conversion_model  # AUC recorded as null: no model, no tables needed
    effect = outputs.effect("cannibalization.ratio")
    assert (effect["estimate"], effect["ci_low"], effect["ci_high"]) == (1.0, -math.inf, 2.0)
    assert outputs.table("cannibalization_designs")["a"].tolist() == [1]


def test_a_missing_result_names_the_file_and_the_notebook(tmp_path):
    _complete_run(tmp_path)
    (tmp_path / "results.d" / "cannibalization.ratio.json").unlink()
    with pytest.raises(MissingRunOutput, match=r"cannibalization\.ratio\.json: not found") as err:
        load_run_outputs(tmp_path)
    assert CANNIBALIZATION_NOTEBOOK in str(err.value)


def test_a_missing_table_names_the_file(tmp_path):
    _complete_run(tmp_path)
    record_result(tmp_path, "conversion.test_auc", 0.8)  # a model was trained: its tables needed
    with pytest.raises(MissingRunOutput, match=r"conversion_metrics\.parquet: not found"):
        load_run_outputs(tmp_path)
    (tmp_path / "results.d" / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json"):
        load_run_outputs(tmp_path)
