"""Report text: every key in both languages, with the same fields, covering every code shown."""

from __future__ import annotations

import string

import pytest

from redcat import overview
from redcat.config import INDUSTRIES
from redcat.contract import TABLE_ORDER
from redcat.report.i18n import LANGUAGES, TEXT, label, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_both_languages_with_the_same_fields(key):
    assert set(TEXT[key]) == set(LANGUAGES)
    assert all(TEXT[key][lang].strip() for lang in LANGUAGES)
    assert _fields(TEXT[key]["zh"]) == _fields(TEXT[key]["en"])


def test_every_code_the_reports_show_has_a_translation():
    needed = [f"industry.{code}" for code in INDUSTRIES]
    needed += [f"table.{name}" for name in TABLE_ORDER]
    needed += [f"status.{s}" for s in overview.MERCHANT_STATUSES]
    needed += [f"group.{g}" for g in overview.NOTE_GROUPS]
    needed += [f"step.{step}" for step, _ in overview.FUNNEL_STEPS]
    assert [key for key in needed if key not in TEXT] == []


def test_lookup_fills_fields_and_defaults_to_chinese():
    assert t("link.linked", h=72) == "72 小时内挂链"
    assert t("link.linked", "en", h=48) == "Linked within 48 h"


def test_unknown_language_or_key_fails_loudly():
    with pytest.raises(ValueError, match="language"):
        t("section.funnel", "fr")
    with pytest.raises(KeyError, match="no report text"):
        t("section.nope", "en")


def test_unknown_codes_are_shown_as_they_are():
    assert label("industry", "fmcg", "zh") == "快消"
    assert label("industry", "pets", "en") == "pets"
