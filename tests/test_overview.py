"""The data-overview tables on a hand-built dataset (tests/overview_fixtures.py), against numbers
worked out by hand from the fixture; then each notebook section on the same data."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

import overview_fixtures as fx
from redcat import overview
from redcat.report import overview_sections as sections


@pytest.fixture()
def data():
    return fx.dataset()


def outcomes_for(data, as_of=fx.AS_OF, horizon_hours=fx.HORIZON_HOURS, window_days=fx.WINDOW_DAYS):
    return overview.note_outcomes(
        data.notes,
        data.note_daily,
        data.inapp_orders,
        data.offsite_orders,
        as_of=as_of,
        window_days=window_days,
        horizon_hours=horizon_hours,
    )


def funnel_values(funnel: pd.DataFrame, group: str, column: str = "value") -> dict[str, float]:
    rows = funnel[funnel["group"] == group]
    return dict(zip(rows["step"], rows[column], strict=True))


# --- coverage and merchants -----------------------------------------------------------------
def test_coverage_counts_rows_and_rows_known_by_the_run_date(data):
    table = overview.coverage(vars(data), fx.AS_OF).set_index("table")
    assert table.loc["notes", "rows"] == 7 and table.loc["notes", "rows_as_of"] == 6
    assert (
        table.loc["offsite_orders", "rows"] == 4 and table.loc["offsite_orders", "rows_as_of"] == 3
    )
    assert table.loc["merchant_daily", "rows_as_of"] == 12
    assert table.loc["merchants", "rows_as_of"] == 6
    assert table.loc["notes", "first"] == pd.Timestamp("2025-05-01 08:00")
    assert table.loc["notes", "last"] == pd.Timestamp("2025-06-20 08:00")
    assert pd.isna(table.loc["creators", "first"])


def test_eligibility_applies_every_rule_with_inclusive_thresholds(data):
    eligible = overview.merchant_eligible(data.merchants)
    # m3 wrong industry, m4 no enterprise account, m5 spend 1 fen short; m6 exactly at both limits.
    assert eligible.tolist() == [True, True, False, False, False, True]


def test_status_counts_enrolment_only_once_it_happened(data):
    status = overview.merchant_status(data.merchants, fx.AS_OF)
    # m6 enrols on 06-20, after the run date: still "eligible" for this run.
    assert status.tolist() == [
        "enrolled",
        "eligible",
        "ineligible",
        "ineligible",
        "ineligible",
        "eligible",
    ]


def test_notes_by_industry_and_status(data):
    table = overview.notes_by_industry_status(data.notes, data.merchants, fx.AS_OF)
    assert table["industry"].tolist() == ["fmcg", "beauty"]
    fmcg, beauty = table.to_dict("records")
    assert (fmcg["enrolled"], fmcg["eligible"], fmcg["ineligible"], fmcg["total"]) == (4, 1, 0, 5)
    assert (beauty["enrolled"], beauty["ineligible"], beauty["total"]) == (0, 1, 1)


def test_enrolment_timeline_runs_from_launch_to_the_run_date(data):
    timeline = overview.enrolment_timeline(data.merchants, fx.AS_OF)
    assert timeline["date"].iloc[0] == pd.Timestamp("2025-05-12")
    assert timeline["date"].iloc[-1] == pd.Timestamp("2025-06-15")
    assert len(timeline) == 35
    assert timeline["newly_enrolled"].iloc[0] == 1
    assert timeline["enrolled_total"].iloc[-1] == 1  # m6 (06-20) not yet


# --- linked notes ---------------------------------------------------------------------------
def test_linked_uses_the_horizon(data):
    def linked_ids(hours):
        notes = overview.notes_as_of(data.notes, fx.AS_OF)
        return set(notes.loc[overview.is_linked(notes, hours, fx.AS_OF), "note_id"])

    assert linked_ids(72) == {"n1", "n5"}
    assert linked_ids(200) == {"n1", "n2", "n5"}  # n2's link came after 120 h
    assert linked_ids(24) == {"n1", "n5"}  # n1's link after exactly 24 h: within
    assert linked_ids(23) == {"n5"}


def test_a_link_attached_after_the_run_date_is_not_seen(data):
    status = overview.link_status(data.notes, 72, fx.AS_OF)
    assert dict(zip(data.notes["note_id"], status, strict=True))["n7"] == overview.NO_LINK
    later = pd.Timestamp("2025-07-01")
    status = overview.link_status(data.notes, 72, later)
    assert dict(zip(data.notes["note_id"], status, strict=True))["n7"] == overview.LATE_LINK


def test_linked_by_industry_counts_notes_since_launch(data):
    table = overview.linked_by_industry(data.notes, data.merchants, 72, fx.AS_OF).set_index(
        "industry"
    )
    assert table.loc["fmcg", ["notes", "linked", "late", "none"]].tolist() == [4, 2, 1, 1]
    assert table.loc["fmcg", "linked_share"] == pytest.approx(0.5)
    assert table.loc["beauty", ["notes", "none", "linked_share"]].tolist() == [1, 1, 0.0]


def test_notes_per_day_fills_empty_days(data):
    per_day = overview.notes_per_day(data.notes, 72, fx.AS_OF)
    assert len(per_day) == 45  # 05-01 .. 06-14
    assert per_day["total"].sum() == 6
    day = per_day.set_index("date").loc[pd.Timestamp("2025-05-20")]
    assert (day["linked"], day["unlinked"], day["total"]) == (1, 1, 2)


# --- outcomes and the funnel ----------------------------------------------------------------
def test_note_outcomes_count_within_the_window_only(data):
    out = outcomes_for(data).set_index("note_id")
    assert "n6" not in out.index  # published after the run date
    n1 = out.loc["n1"]
    # 16 daily rows, 14 in the window; o2 at exactly publish + 14 d is outside; f2 not yet reported.
    assert (n1["impressions"], n1["reads"], n1["engagement"], n1["link_clicks"]) == (
        1400,
        140,
        56,
        42,
    )
    assert (n1["store_visits"], n1["ad_spend"]) == (28, 700.0)
    assert (n1["inapp_orders"], n1["inapp_gmv"]) == (2, 120.0)
    assert (n1["offsite_orders"], n1["offsite_gmv"]) == (1, 300.0)
    assert out["window_complete"].to_dict() == {
        "n1": True, "n2": True, "n3": True, "n4": False, "n5": False, "n7": True,
    }  # fmt: skip


def test_funnel_matches_hand_computed_numbers(data):
    funnel = overview.funnel(outcomes_for(data))
    linked = funnel_values(funnel, "linked")
    assert linked == {
        "impressions": 1400, "reads": 140, "engagement": 56, "link_clicks": 42,
        "store_visits": 28, "inapp_orders": 2, "offsite_orders": 1,
        "inapp_gmv": 120.0, "offsite_gmv": 300.0,
    }  # fmt: skip
    unlinked = funnel_values(funnel, "unlinked")  # n2, n3, n7
    assert unlinked == {
        "impressions": 1600, "reads": 110, "engagement": 60, "link_clicks": 0,
        "store_visits": 7, "inapp_orders": 1, "offsite_orders": 2,
        "inapp_gmv": 50.0, "offsite_gmv": 120.0,
    }  # fmt: skip
    overall = funnel_values(funnel, "all")
    assert overall["impressions"] == 3000 and overall["offsite_gmv"] == 420.0

    rates = funnel_values(funnel, "linked", "rate")
    assert rates["reads"] == pytest.approx(0.1)
    assert rates["engagement"] == pytest.approx(0.4)
    assert rates["link_clicks"] == pytest.approx(0.3)
    assert rates["store_visits"] == pytest.approx(0.2)
    assert rates["inapp_orders"] == pytest.approx(2 / 140)
    assert rates["offsite_orders"] == pytest.approx(1 / 28)
    assert math.isnan(rates["impressions"])
    assert funnel_values(funnel, "unlinked", "rate")["offsite_orders"] == pytest.approx(2 / 7)
    notes = funnel_values(funnel, "unlinked", "notes")
    assert set(notes.values()) == {3}
    assert funnel_values(funnel, "unlinked", "per_note")["impressions"] == pytest.approx(1600 / 3)


def test_funnel_can_include_open_windows(data):
    funnel = overview.funnel(outcomes_for(data), complete_windows_only=False)
    linked = funnel_values(funnel, "linked")  # n1 + n5 (rows on 06-14 and 06-15)
    assert (linked["impressions"], linked["link_clicks"]) == (1420, 44)
    assert funnel_values(funnel, "all", "notes")["reads"] == 6


def test_offsite_orders_reported_after_the_run_date_are_excluded(data):
    before = funnel_values(overview.funnel(outcomes_for(data)), "linked")
    assert (before["offsite_orders"], before["offsite_gmv"]) == (1, 300.0)
    later = pd.Timestamp("2025-06-21 23:59:59")
    after = funnel_values(overview.funnel(outcomes_for(data, as_of=later)), "linked")
    assert (after["offsite_orders"], after["offsite_gmv"]) == (2, 8077.0)  # f2 now reported


def test_early_run_date_sees_only_reported_orders(data):
    as_of = pd.Timestamp("2025-05-25 23:59:59")
    out = outcomes_for(data, as_of=as_of).set_index("note_id")
    assert out.loc["n1", "offsite_orders"] == 1  # f1 reported 05-25 10:00
    assert out.loc["n3", "offsite_orders"] == 0  # f3 reported 05-26
    assert out.loc["n1", "impressions"] == 600  # daily rows 05-20 .. 05-25


def test_horizon_moves_notes_between_funnel_groups(data):
    funnel = overview.funnel(outcomes_for(data, horizon_hours=200))
    assert funnel_values(funnel, "linked", "notes")["reads"] == 2  # n1 and n2
    assert funnel_values(funnel, "linked")["impressions"] == 2000


def test_cost_per_store_visit_by_industry_and_group(data):
    table = overview.cost_per_store_visit(outcomes_for(data), data.merchants)
    assert table["group"].tolist() == ["linked", "unlinked", "all"]  # only fmcg has closed windows
    cost = dict(zip(table["group"], table["cost_per_visit"], strict=True))
    assert cost["linked"] == pytest.approx(700 / 28)
    assert cost["unlinked"] == pytest.approx(100 / 7)
    assert cost["all"] == pytest.approx(800 / 35)


def test_inapp_gmv_per_merchant_by_status(data):
    gmv = overview.inapp_gmv_by_status(data.merchant_daily, data.merchants, fx.AS_OF)
    assert gmv["date"].max() == pd.Timestamp("2025-06-15")
    assert len(gmv) == 9
    per = gmv.groupby("status", observed=True)["gmv_per_merchant"].mean().to_dict()
    assert per == {"enrolled": 100.0, "eligible": 300.0, "ineligible": 300.0}


# --- the notebook's sections ----------------------------------------------------------------
SECTIONS = [
    sections.validation,
    sections.coverage,
    sections.notes_per_day,
    sections.notes_by_status,
    sections.enrolment,
    sections.linked_by_industry,
    sections.funnel,
    sections.cost_per_visit,
    sections.inapp_gmv,
]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("section", SECTIONS, ids=lambda f: f.__name__)
def test_each_section_renders_one_escaped_block(section, language):
    run = fx.FakeRun(language=language)
    markup = section(run)._repr_html_()
    assert markup.startswith('<section class="rc-section"><h2>')
    assert "<script" not in markup and "<img" not in markup
    assert "Glyph" not in markup


def test_sections_save_tables_and_record_counts():
    run = fx.FakeRun()
    for section in SECTIONS:
        section(run)
    assert {"overview_funnel", "overview_cost_per_visit", "overview_coverage"} <= set(run.tables)
    assert run.recorded["overview.funnel_notes"] == 4
    assert run.recorded["overview.enrolled_merchants"] == 1
    assert run.recorded["overview.data_valid"] is True


def test_chart_sections_inline_one_svg_each():
    run = fx.FakeRun(language="en")
    for section in (
        sections.notes_per_day,
        sections.enrolment,
        sections.funnel,
        sections.inapp_gmv,
    ):
        markup = section(run)._repr_html_()
        assert markup.count("<svg") == 1
        labels = re.findall(r"<text [^>]*>", markup)  # drawn by the browser, CJK stack attached
        assert labels and all("PingFang SC" in label for label in labels)


def test_failed_validation_shows_the_report_escaped():
    run = fx.FakeRun(validation=fx.FakeValidation(ok=False, text="notes: bad <title> & more"))
    markup = sections.validation(run)._repr_html_()
    assert "rc-bad" in markup and "bad &lt;title&gt; &amp; more" in markup


@pytest.mark.parametrize("day", ["2025-01-01", "2025-05-12", "2025-05-20"])
def test_sections_survive_an_early_run_date(day, recwarn):
    run = fx.FakeRun(language="en", as_of=pd.Timestamp(day) + pd.Timedelta(hours=23, minutes=59))
    for section in SECTIONS:
        section(run)._repr_html_()
    assert not [w for w in recwarn if "legend" in str(w.message) or "log" in str(w.message)]
    if day == "2025-01-01":
        assert "No data up to the run date" in sections.funnel(run)._repr_html_()


# --- note_outcomes against the earlier merge-based implementation ----------------------------
def _reference_note_outcomes(notes, note_daily, inapp_orders, offsite_orders, *, as_of, w, h):
    """note_outcomes as first written (merge the daily table with the notes, filter, group):
    the numpy version must give the same table."""
    window = pd.Timedelta(days=w)
    seen = overview.notes_as_of(notes, as_of)
    out = seen[["note_id", "merchant_id", "publish_time"]].copy()
    out["linked"] = overview.is_linked(seen, h, as_of)
    out["window_complete"] = out["publish_time"] + window <= as_of
    keys = out[["note_id", "publish_time"]]
    daily = note_daily.merge(keys, on="note_id", how="inner")
    publish_day = daily["publish_time"].dt.normalize()
    daily = daily[
        (daily["date"] >= publish_day)
        & (daily["date"] < publish_day + window)
        & (daily["date"] <= as_of)
    ]
    daily = daily.assign(engagement=daily[list(overview.ENGAGEMENT_COLUMNS)].sum(axis=1))
    signals = daily.groupby("note_id")[list(overview.DAILY_SUMS)].sum()

    def in_window(orders):
        joined = orders.merge(keys, on="note_id", how="inner")
        when = joined["order_time"]
        return joined[
            (when >= joined["publish_time"])
            & (when < joined["publish_time"] + window)
            & (when <= as_of)
        ]

    inapp = in_window(inapp_orders).groupby("note_id")["gmv"]
    offsite = in_window(offsite_orders[offsite_orders["reported_time"] <= as_of])
    offsite = offsite.groupby("note_id")["gmv"]
    sums = signals.join(
        [
            inapp.size().rename("inapp_orders"),
            inapp.sum().rename("inapp_gmv"),
            offsite.size().rename("offsite_orders"),
            offsite.sum().rename("offsite_gmv"),
        ],
        how="outer",
    )
    out = out.merge(sums, left_on="note_id", right_index=True, how="left")
    counts = [
        c for c in (*overview.DAILY_SUMS, "inapp_orders", "offsite_orders") if c != "ad_spend"
    ]
    out[counts] = out[counts].fillna(0).astype("int64")
    money = ["ad_spend", "inapp_gmv", "offsite_gmv"]
    out[money] = out[money].fillna(0.0).astype("float64")
    return out.reset_index(drop=True)


def _assert_same_outcomes(new: pd.DataFrame, old: pd.DataFrame) -> None:
    # Same rows, columns and dtypes; counts equal exactly; money sums (float, summed in another
    # order than pandas' compensated group sum) within 1e-9 relative.
    assert list(new.columns) == list(old.columns)
    assert new.dtypes.astype(str).tolist() == old.dtypes.astype(str).tolist()
    money = ["ad_spend", "inapp_gmv", "offsite_gmv"]
    pd.testing.assert_frame_equal(
        new.drop(columns=money), old.drop(columns=money), check_exact=True
    )
    pd.testing.assert_frame_equal(new[money], old[money], check_exact=False, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize(
    "as_of", [fx.AS_OF, pd.Timestamp("2025-05-21 12:00"), pd.Timestamp("2025-01-01")]
)
def test_note_outcomes_match_the_merge_implementation_on_the_fixture(data, as_of):
    new = outcomes_for(data, as_of=as_of)
    old = _reference_note_outcomes(
        data.notes,
        data.note_daily,
        data.inapp_orders,
        data.offsite_orders,
        as_of=as_of,
        w=fx.WINDOW_DAYS,
        h=fx.HORIZON_HOURS,
    )
    _assert_same_outcomes(new, old)


def test_note_outcomes_match_the_merge_implementation_on_a_simulated_world(
    small_world, monkeypatch
):
    from redcat.data.dataset import load_dataset

    data = load_dataset(small_world)
    as_of = data.notes["publish_time"].quantile(0.8).normalize() + pd.Timedelta(
        days=1, microseconds=-1
    )
    # Small slices, so the sliced sums are exercised as at a million notes.
    monkeypatch.setattr(overview, "DAILY_SLICE_ROWS", 10_000)
    for w, h in [(14, 72), (7, 24)]:
        new = outcomes_for(data, as_of=as_of, horizon_hours=h, window_days=w)
        old = _reference_note_outcomes(
            data.notes,
            data.note_daily,
            data.inapp_orders,
            data.offsite_orders,
            as_of=as_of,
            w=w,
            h=h,
        )
        assert len(new) > 3000 and new["reads"].sum() > 0 and new["inapp_orders"].sum() > 0
        assert new["offsite_orders"].sum() > 0 and new["ad_spend"].sum() > 0
        _assert_same_outcomes(new, old)
