"""WorldConfig: every knob of the simulated Red Cat world, typed and range-checked.

Each field is a plain scalar with a default and a description, so the CLI can expose it as a
`--flag` one to one. The structural constants that are not knobs (rates, elasticities, curve
shapes) live in the module that uses them, next to the sentence that explains them.
"""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from redcat.config import DEFAULT_HORIZON_HOURS, DEFAULT_WINDOW_DAYS, LAUNCH_DATE

# Derived sizes when merchants/creators are not given: enough merchants for a merchant-level
# design (a few hundred enrolled-or-eligible at the default size), capped so a million-note world
# still has tens of notes per merchant.
MIN_DERIVED_MERCHANTS = 300
NOTES_PER_MERCHANT = 20
MAX_DERIVED_MERCHANTS = 20_000
MIN_DERIVED_CREATORS = 500
NOTES_PER_CREATOR = 4
MAX_DERIVED_CREATORS = 1_000_000


class WorldConfig(BaseModel):
    """The parameters of one simulated world. Same config (seed included) → same world."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(
        0, ge=0, le=2**32 - 1, description="Random seed; the world is a function of the config."
    )
    notes: int = Field(100_000, ge=200, le=5_000_000, description="Number of seeding notes.")
    merchants: int | None = Field(
        None,
        ge=30,
        le=500_000,
        description="Number of merchants; default max(300, notes // 20), at most 20,000.",
    )
    creators: int | None = Field(
        None,
        ge=20,
        le=5_000_000,
        description="Number of creators; default max(500, notes // 4), at most 1,000,000.",
    )
    start_date: date = Field(
        date(2025, 3, 1), description="First publish day (and first merchant_daily day)."
    )
    end_date: date = Field(
        date(2025, 7, 31),
        description="Last publish day; the export is as of this day 23:59:59 (the data end).",
    )
    daily_rows_per_note: int = Field(
        30,
        ge=1,
        le=120,
        description="Days of note_daily per note from its publish day (cut at the data end).",
    )
    divert_inapp: float = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="Share of in-app buyers that a link diverts to Taobao (after link time).",
    )
    shift_search: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Share of search-back (回搜) buyers that a link moves to the link channel.",
    )
    convert_new: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="Share of interested would-be non-buyers that a link turns into Taobao buyers.",
    )
    selection_on_quality: float = Field(
        1.0,
        ge=-5.0,
        le=5.0,
        description="Logit coefficient of the note's latent quality in the merchant's link choice.",
    )
    hidden_confounding: float = Field(
        0.0,
        ge=-5.0,
        le=5.0,
        description=(
            "Logit coefficient in the link choice of a latent that raises buying but shows in no "
            "signal (0 = links are chosen on observables only)."
        ),
    )
    hidden_buying: float = Field(
        0.15,
        ge=0.0,
        le=2.0,
        description=(
            "How much buying intent varies with a latent no signal shows (log-scale coefficient); "
            "it caps how well any model of the signals can match the oracle."
        ),
    )
    nonlinear_buying: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description=(
            "How far buying departs from log-linear in the observable traits (price sweet spots, "
            "paid collaboration x creator tier, video x industry, text length): 1 = fully, "
            "0 = the earlier log-linear world (simulate/notes.py)."
        ),
    )
    link_rate: float = Field(
        0.5,
        gt=0.0,
        lt=1.0,
        description="Share of an enrolled merchant's new notes that get a link (at average covariates).",
    )
    enrol_share: float = Field(
        0.75,
        ge=0.0,
        le=1.0,
        description="Share of eligible merchants that ever mean to enrol (the rest never do).",
    )
    report_lag_median_days: float = Field(
        2.5,
        gt=0.0,
        le=30.0,
        description="Median delay (days) before partner data reports an off-site order back.",
    )
    report_lag_sigma: float = Field(
        0.5,
        ge=0.0,
        le=3.0,
        description="Log-scale spread of the typical reporting delay.",
    )
    report_lag_long_share: float = Field(
        0.04,
        ge=0.0,
        le=1.0,
        description="Share of off-site orders reported late (uniform between 7 days and the maximum).",
    )
    report_lag_long_days: float = Field(
        30.0,
        ge=7.0,
        le=365.0,
        description="Longest reporting delay (days) of late-reported orders.",
    )
    store_share_whitelisted: float = Field(
        0.8,
        gt=0.0,
        lt=1.0,
        description=(
            "Share of white-listed-industry merchants with an in-app store, at average size "
            "(bigger merchants more often). The first wave's brands are large XHS advertisers, "
            "most of which sell in the in-app store; this sets how many enrolled merchants the "
            "merchant-level design has (about 310 of 370 enrolled at 100,000 notes)."
        ),
    )
    store_baseline_ratio: float = Field(
        1.5,
        ge=0.0,
        le=100.0,
        description="In-app store GMV from non-note traffic per ¥ of note-driven in-app GMV (overall).",
    )
    window_days: int = Field(
        DEFAULT_WINDOW_DAYS,
        ge=1,
        le=90,
        description="Attribution window W (days) of the truth.",
    )
    horizon_hours: int = Field(
        DEFAULT_HORIZON_HOURS,
        ge=1,
        le=24 * 30,
        description="Horizon H (hours): a note is 'linked' if its link came within H hours.",
    )

    @model_validator(mode="after")
    def _check_dates(self) -> WorldConfig:
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        if (self.end_date - self.start_date).days > 730:
            raise ValueError("the simulated period is limited to two years")
        if self.start_date > LAUNCH_DATE:
            # merchants' pre-launch spend and the before/after comparisons need days before launch
            raise ValueError(f"start_date must be on or before the launch, {LAUNCH_DATE}")
        return self

    @property
    def n_merchants(self) -> int:
        if self.merchants is not None:
            return self.merchants
        derived = max(MIN_DERIVED_MERCHANTS, self.notes // NOTES_PER_MERCHANT)
        return min(derived, MAX_DERIVED_MERCHANTS)

    @property
    def n_creators(self) -> int:
        if self.creators is not None:
            return self.creators
        derived = max(MIN_DERIVED_CREATORS, self.notes // NOTES_PER_CREATOR)
        return min(derived, MAX_DERIVED_CREATORS)

    @property
    def n_days(self) -> int:
        """Days from start_date to end_date inclusive."""
        return (self.end_date - self.start_date).days + 1

    @property
    def data_end(self) -> datetime:
        """The as-of moment of the export: end_date 23:59:59 (naive Beijing time)."""
        return datetime.combine(self.end_date, time(23, 59, 59))
