"""The platform's trade-off: what Red Cat brings in ads against the commission it costs.

Red Cat brings merchants' brand budgets (ads) to Xiaohongshu; the links also take some buyers
out of the in-app store, whose sales earn the platform a commission. Per average week since
links launched (2025-05-12), for the whole platform and per industry:

    ad revenue from links  = ad_revenue_per_linked_note × linked notes per week
    ad revenue from spend  = ad_revenue_per_ad_yuan × extra ad spend per week,
        extra ad spend     = enrolled merchants' ad spend after enrolment × lift / (1 + lift)
                             (lift: enrolment's relative effect on a merchant's ad spend,
                             estimated by staggered DiD; observed spend is the with-Red-Cat one)
    commission lost        = commission_rate × in-app GMV lost per week,
        in-app GMV lost    = −(in-app effect per linked note) × linked notes per week
    net                    = ad revenue from links + ad revenue from spend − commission lost

"Is it worth more than the closed loop?" is `net > 0`. Uncertainty is carried by Monte Carlo:
each estimated effect is drawn from its normal sampling distribution (SE backed out of its 95%
interval), the draws are pushed through the formulas, and the 2.5/97.5 percentiles of the
results give the interval; P(net > 0) is the share of draws above zero. Volumes (notes, spend)
are counted, not estimated, and the prices are run parameters, so neither is drawn.

Assumptions (stated in the report's appendix):
- a linked note's in-app effect over its attribution window is the week's loss in steady state
  (notes linked each week go on to lose, on average, what linked notes lost so far);
- industries without enough linked notes for their own effect take the overall one;
- the ad-spend lift is one estimate for all enrolled merchants (every industry alike);
- the estimates' errors are independent of each other (different designs and data);
- the platform earns nothing on off-site (Taobao) GMV beyond the ads it sells.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from redcat.cannibalization.frames import FESTIVAL_END, FESTIVAL_START, enrolment_as_of
from redcat.causal.did import staggered_did
from redcat.causal.result import CausalResult
from redcat.config import LAUNCH_DATE, WHITELIST_INDUSTRIES
from redcat.overview import is_linked

log = logging.getLogger(__name__)

Z_95 = 1.959963984540054
DRAWS = 4000
TOTAL = "total"
LAUNCH_DAY = pd.Timestamp(LAUNCH_DATE)
# Components of the trade-off, in the order the report lists them.
COMPONENTS = (
    "linked_notes",
    "offsite_gmv_driven",
    "inapp_gmv_lost",
    "extra_ad_spend",
    "ad_from_links",
    "ad_from_spend",
    "commission_lost",
    "net",
)


@dataclass(frozen=True)
class Prices:
    """What the platform earns: run parameters, not estimates."""

    commission_rate: float  # share of in-app GMV the platform keeps as commission
    ad_revenue_per_linked_note: float  # ¥ of ad revenue per linked note
    ad_revenue_per_ad_yuan: float  # ¥ of platform revenue per ¥ of extra merchant ad spend

    def __post_init__(self) -> None:
        checks = {
            "commission_rate": (self.commission_rate, 0.0, 1.0),
            "ad_revenue_per_linked_note": (self.ad_revenue_per_linked_note, 0.0, math.inf),
            "ad_revenue_per_ad_yuan": (self.ad_revenue_per_ad_yuan, 0.0, 1.0),
        }
        for name, (value, low, high) in checks.items():
            if not (isinstance(value, int | float) and low <= value <= high):
                raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}")

    @classmethod
    def from_params(cls, params: Any) -> Prices:
        return cls(
            commission_rate=float(params.commission_rate),
            ad_revenue_per_linked_note=float(params.ad_revenue_per_linked_note),
            ad_revenue_per_ad_yuan=float(params.ad_revenue_per_ad_yuan),
        )


@dataclass(frozen=True)
class Estimate:
    """An estimate and its standard error (NaN when not estimated)."""

    estimate: float
    se: float

    @classmethod
    def from_interval(cls, estimate: float, ci_low: float, ci_high: float) -> Estimate:
        """SE from a symmetric 95% normal interval; an unbounded interval means unusable."""
        values = [estimate, ci_low, ci_high]
        if any(v is None or not math.isfinite(float(v)) for v in values):
            return cls(math.nan, math.nan)
        return cls(float(estimate), (float(ci_high) - float(ci_low)) / (2 * Z_95))

    @classmethod
    def from_effect(cls, effect: dict[str, Any]) -> Estimate:
        return cls.from_interval(
            effect.get("estimate"), effect.get("ci_low"), effect.get("ci_high")
        )

    @property
    def available(self) -> bool:
        return math.isfinite(self.estimate) and math.isfinite(self.se)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.estimate + self.se * rng.standard_normal(n)


# --- volumes: counted from the data --------------------------------------------------------
def weeks_since_launch(as_of: pd.Timestamp) -> float:
    days = (pd.Timestamp(as_of).normalize() - LAUNCH_DAY).days + 1
    return max(days, 0) / 7.0


def weekly_volumes(data: Any, as_of: pd.Timestamp, horizon_hours: int) -> pd.DataFrame:
    """Per industry, per average week since launch: linked notes, and enrolled merchants' ad
    spend and in-app GMV on their days after enrolment (what was observed, with Red Cat).

    Columns: industry, linked_notes, enrolled_ad_spend, enrolled_inapp_gmv (all per week),
    enrolled_merchants; `attrs["weeks"]` holds the number of weeks averaged over.
    """
    as_of = pd.Timestamp(as_of)
    weeks = weeks_since_launch(as_of)
    if weeks <= 0:
        raise ValueError(f"as_of {as_of.date()} is before links launched ({LAUNCH_DAY.date()})")
    merchants = data.merchants.assign(merchant_id=data.merchants["merchant_id"].astype(str))
    industry = merchants.set_index("merchant_id")["industry"].astype(str)
    notes = data.notes
    notes = notes[(notes["publish_time"] >= LAUNCH_DAY) & (notes["publish_time"] <= as_of)]
    linked = is_linked(notes, horizon_hours, as_of)
    note_industry = notes["merchant_id"].astype(str).map(industry)
    linked_per_industry = linked.groupby(note_industry).sum()

    enrolled = enrolment_as_of(merchants, as_of)
    enrolled.index = merchants["merchant_id"]
    daily = data.merchant_daily
    daily = daily.assign(merchant_id=daily["merchant_id"].astype(str))
    start = daily["merchant_id"].map(enrolled)
    post = daily[start.notna() & (daily["date"] >= start) & (daily["date"] <= as_of.normalize())]
    post_industry = post["merchant_id"].map(industry)
    spend = post["ad_spend"].groupby(post_industry).sum()
    gmv = post["inapp_gmv"].groupby(post_industry).sum()
    n_enrolled = enrolled.notna().groupby(industry.reindex(enrolled.index).to_numpy()).sum()

    codes = sorted(set(industry.unique()))
    table = pd.DataFrame({"industry": codes})
    table["linked_notes"] = table["industry"].map(linked_per_industry).fillna(0).to_numpy() / weeks
    table["enrolled_ad_spend"] = table["industry"].map(spend).fillna(0).to_numpy() / weeks
    table["enrolled_inapp_gmv"] = table["industry"].map(gmv).fillna(0).to_numpy() / weeks
    table["enrolled_merchants"] = table["industry"].map(n_enrolled).fillna(0).astype(int)
    # Industries with neither enrolled merchants nor linked notes have nothing to weigh.
    table = table[(table["enrolled_merchants"] > 0) | (table["linked_notes"] > 0)]
    table = table.reset_index(drop=True)
    table.attrs["weeks"] = weeks
    return table


# --- the ad-spend lift: estimated with the causal core -------------------------------------
def ad_spend_panel(data: Any, as_of: pd.Timestamp) -> pd.DataFrame:
    """Merchant days up to as_of: enrolled merchants and every merchant of the white-listed
    industries (same seasons), ad spend relative to the merchant's pre-launch daily mean."""
    as_of = pd.Timestamp(as_of)
    merchants = data.merchants.assign(merchant_id=data.merchants["merchant_id"].astype(str))
    merchants["first_treated"] = enrolment_as_of(merchants, as_of)
    keep = merchants["first_treated"].notna() | merchants["industry"].isin(WHITELIST_INDUSTRIES)
    keep &= merchants["pre_daily_ad_spend"] > 0  # the relative outcome needs a positive base
    chosen = merchants.loc[keep, ["merchant_id", "first_treated", "pre_daily_ad_spend"]]
    daily = data.merchant_daily
    daily = daily[daily["date"] <= as_of.normalize()]
    panel = daily.assign(merchant_id=daily["merchant_id"].astype(str))[
        ["merchant_id", "date", "ad_spend"]
    ].merge(chosen, on="merchant_id", how="inner")
    panel["date"] = pd.to_datetime(panel["date"]).dt.normalize()
    panel["ad_spend_rel"] = panel["ad_spend"] / panel["pre_daily_ad_spend"]
    panel["festival_618"] = panel["date"].between(FESTIVAL_START, FESTIVAL_END).astype("int8")
    return panel.sort_values(["merchant_id", "date"]).reset_index(drop=True)


def estimate_ad_spend_lift(data: Any, as_of: pd.Timestamp) -> CausalResult:
    """Enrolment's effect on a merchant's daily ad spend, % of what it would have spent.

    Callaway–Sant'Anna staggered DiD (not-yet- and never-enrolled white-listed merchants as
    comparisons, weekly periods, merchant-clustered), as for the merchant-level in-app effect.
    """
    panel = ad_spend_panel(data, as_of)
    result = staggered_did(
        panel,
        "merchant_id",
        "date",
        "ad_spend_rel",
        "first_treated",
        relative=True,
        calendar_effects=["festival_618"],
        control_group="notyettreated",
    )
    log.info("ad-spend lift: %s", result)
    return result


# --- the trade-off ------------------------------------------------------------------------
@dataclass(frozen=True)
class TradeoffInputs:
    """Everything the trade-off is computed from."""

    volumes: pd.DataFrame  # weekly_volumes()
    inapp_effect: Estimate  # ¥ per linked note (negative = in-app GMV lost), all notes
    offsite_effect: Estimate  # ¥ per linked note, all notes
    ad_lift_pct: Estimate  # % change of enrolled merchants' ad spend
    inapp_by_industry: dict[str, Estimate]  # industries with their own estimate
    offsite_by_industry: dict[str, Estimate]
    merchant_inapp_pct: Estimate | None = None  # the merchant-level cross-check


def industry_effects(subgroups: pd.DataFrame | None, outcome: str) -> dict[str, Estimate]:
    """Industry effects from notebook 03's subgroup table (rows without an estimate skipped)."""
    if subgroups is None or subgroups.empty:
        return {}
    rows = subgroups[(subgroups["outcome"] == outcome) & (subgroups["dimension"] == "industry")]
    found = {}
    for row in rows.itertuples(index=False):
        estimate = Estimate(float(row.estimate), float(row.se))
        if estimate.available:
            found[str(row.level)] = estimate
    return found


def _components(
    linked: float,
    spend: float,
    inapp: np.ndarray,
    offsite: np.ndarray,
    lift_pct: np.ndarray,
    prices: Prices,
) -> dict[str, np.ndarray]:
    lift = lift_pct / 100.0
    inapp_lost = -inapp * linked
    extra_spend = spend * lift / (1.0 + lift)
    ad_links = np.full_like(inapp, prices.ad_revenue_per_linked_note * linked, dtype=float)
    ad_spend = prices.ad_revenue_per_ad_yuan * extra_spend
    commission = prices.commission_rate * inapp_lost
    return {
        "linked_notes": np.full_like(inapp, linked, dtype=float),
        "offsite_gmv_driven": offsite * linked,
        "inapp_gmv_lost": inapp_lost,
        "extra_ad_spend": extra_spend,
        "ad_from_links": ad_links,
        "ad_from_spend": ad_spend,
        "commission_lost": commission,
        "net": ad_links + ad_spend - commission,
    }


def _rows(
    scope: str, source: str, point: dict[str, np.ndarray], draws: dict[str, np.ndarray]
) -> list[dict[str, Any]]:
    rows = []
    for name in COMPONENTS:
        values = draws[name]
        finite = values[np.isfinite(values)]
        low, high = (
            (float(np.quantile(finite, 0.025)), float(np.quantile(finite, 0.975)))
            if len(finite)
            else (math.nan, math.nan)
        )
        rows.append(
            {
                "scope": scope,
                "component": name,
                "estimate": float(point[name][0]),
                "ci_low": low,
                "ci_high": high,
                "p_positive": float(np.mean(finite > 0)) if len(finite) else math.nan,
                "effect_source": source,
            }
        )
    return rows


def compute_tradeoff(
    inputs: TradeoffInputs, prices: Prices, draws: int = DRAWS, seed: int = 0
) -> pd.DataFrame:
    """Long table: one row per scope (each industry, then "total") and component, with the
    plug-in estimate, the Monte Carlo 95% interval and P(> 0).

    The total uses the overall estimates (not the sum of industry rows, whose effects are
    noisier and partly borrowed); industries use their own in-app/off-site effects where
    notebook 03 could estimate them ("industry"), the overall ones otherwise ("overall").
    """
    if not inputs.inapp_effect.available:
        raise ValueError("the note-level in-app effect was not estimated: no trade-off")
    rng = np.random.default_rng(seed)
    lift = inputs.ad_lift_pct if inputs.ad_lift_pct.available else Estimate(0.0, 0.0)
    lift_draws = lift.draw(rng, draws)
    one = np.ones(1)
    overall_inapp = inputs.inapp_effect.draw(rng, draws)
    offsite_overall = inputs.offsite_effect if inputs.offsite_effect.available else None
    overall_offsite = (
        offsite_overall.draw(rng, draws) if offsite_overall else np.full(draws, math.nan)
    )
    rows: list[dict[str, Any]] = []
    volumes = inputs.volumes
    for row in volumes.itertuples(index=False):
        code = str(row.industry)
        inapp = inputs.inapp_by_industry.get(code)
        offsite = inputs.offsite_by_industry.get(code)
        source = "industry" if inapp is not None else "overall"
        inapp_draws = inapp.draw(rng, draws) if inapp is not None else overall_inapp
        inapp_point = (inapp or inputs.inapp_effect).estimate
        off = offsite or offsite_overall
        offsite_draws = offsite.draw(rng, draws) if offsite is not None else overall_offsite
        args = (float(row.linked_notes), float(row.enrolled_ad_spend))
        point = _components(
            *args,
            inapp_point * one,
            (off.estimate if off else math.nan) * one,
            lift.estimate * one,
            prices,
        )
        rows += _rows(
            code,
            source,
            point,
            _components(*args, inapp_draws, offsite_draws, lift_draws, prices),
        )
    totals = (float(volumes["linked_notes"].sum()), float(volumes["enrolled_ad_spend"].sum()))
    point = _components(
        *totals,
        inputs.inapp_effect.estimate * one,
        (offsite_overall.estimate if offsite_overall else math.nan) * one,
        lift.estimate * one,
        prices,
    )
    rows += _rows(
        TOTAL,
        "overall",
        point,
        _components(*totals, overall_inapp, overall_offsite, lift_draws, prices),
    )
    table = pd.DataFrame(rows)
    table.attrs["weeks"] = volumes.attrs.get("weeks", math.nan)
    return table


def wide(table: pd.DataFrame, value: str = "estimate") -> pd.DataFrame:
    """One row per scope, one column per component (for display)."""
    out = table.pivot(index="scope", columns="component", values=value)
    out = out[[c for c in COMPONENTS if c in out.columns]]
    scopes = [s for s in table["scope"].drop_duplicates() if s in out.index]
    return out.loc[scopes].reset_index()


def breakeven_commission(table: pd.DataFrame, scope: str = TOTAL) -> float:
    """The commission rate at which Red Cat's ad revenue exactly pays for the in-app GMV lost
    (∞ when no in-app GMV is lost): above it the closed loop would have earned more."""
    part = table[table["scope"] == scope].set_index("component")["estimate"]
    lost = float(part["inapp_gmv_lost"])
    revenue = float(part["ad_from_links"] + part["ad_from_spend"])
    return revenue / lost if lost > 0 else math.inf


def merchant_view(
    volumes: pd.DataFrame, merchant_pct: Estimate, prices: Prices, draws: int = DRAWS, seed: int = 0
) -> dict[str, float]:
    """Commission lost per week if the merchant-level % change is used instead: enrolled
    merchants' in-app GMV after enrolment × −p / (1 + p) is the GMV the links took."""
    if not merchant_pct.available:
        return {"estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    gmv = float(volumes["enrolled_inapp_gmv"].sum())
    rng = np.random.default_rng(seed + 1)

    def lost(pct: np.ndarray) -> np.ndarray:
        p = pct / 100.0
        return prices.commission_rate * gmv * (-p) / (1.0 + p)

    values = lost(merchant_pct.draw(rng, draws))
    return {
        "estimate": float(lost(np.array([merchant_pct.estimate]))[0]),
        "ci_low": float(np.quantile(values, 0.025)),
        "ci_high": float(np.quantile(values, 0.975)),
    }
