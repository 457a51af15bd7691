"""Which early signals may be controls: a test of whether the link itself moves them.

A control must not be something the treatment moves. Merchant, creator, note and calendar
traits are fixed before any link exists. The signals of the first H hours (impressions, read
and save rates...) are what best reveal a note's quality, which is exactly what merchants
choose links on; but for a note linked at publish they are measured *after* the link, so they
qualify only as far as the data show the link does not shift them. (Boosting spend is no
candidate at all: it is a budget decision taken with the link; see frames.EARLY_SIGNALS.)

The test compares each note with itself, before and after its link, against never-linked notes
of the same merchants' enrolled period. It uses notes linked on their day L >= 2 (later links
included: they carry the most pre-link days); the publish day 0 is partial and measures the
publish hour more than the note, and the link day L is part before, part after.

- Volume (impressions): per note, log((post + 1) / (pre + 1)) with pre = days 1..L−1 and
  post = days L+1..L+POST_DAYS, minus the same for comparison notes at the same L and publish
  hour block (a note published at 23:00 meets the peak of its feed push on day 1), averaged
  over linked notes. Notes boosted in those days are left out: a boost ends after a few days
  and paid notes are both boosted and linked more often.
- Rates (reads per impression, search impressions per impression, likes / saves / comments /
  shares per read): rates do not decay with age, so observed post-link counts are compared
  with post-link denominators × the note's own pre-link rate, pooled, linked notes against
  comparison notes split at a pseudo link day: log(observed / expected), linked minus
  comparison.

Quality cancels within a note; age, publish hour and calendar cancel against the comparison
notes. Intervals come from a Poisson bootstrap over notes. The same statistics one day earlier
(day L−1 against days 1..L−2, all before the link) are placebos: they should be 0.

A signal is admitted as a control when the link is shown not to move it by more than
`margin`: an equivalence test (two one-sided tests at 5%, i.e. the 90% bootstrap interval
inside ±margin), because "no shift found" proves nothing when the test lacks power; and when
its placebo stays within twice the margin. A rate enters as a rate; a count (log reads, log
likes...) only when its rate and the count it is a rate of are both admitted. Why 10%: a shift
δ in the early signals moves the outcome model's prediction for linked notes by about δ × their
mean GMV (GMV scales with reads), and at the default scale 10% of the linked notes' mean in-app
GMV is about a third of the in-app estimate's standard error, below the quarter-of-the-half-
width bias the project accepts. What the test cannot check: a shift only on the link day
itself; notes linked at publish reacting unlike notes linked later.

What it found on the simulated worlds (links move no signal there, by assumption): rates per
impression and per read of the common signals are admitted, shifts within a few percent;
impressions usually are; comments and shares are too rare for the ±10% margin and stay out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from redcat.cannibalization.frames import EARLY_SIGNALS, early_count_column, early_rate_column

log = logging.getLogger(__name__)

DAY = pd.Timedelta(days=1)
DEFAULT_MARGIN = 0.10  # ±10% (log points); see the module docstring for why
MAX_AGE_DAYS = 12  # note-days used: ages 0..MAX_AGE_DAYS
POST_DAYS = 3
HOUR_BLOCKS = tuple(range(0, 25, 2))  # publish-hour blocks the expected decay is matched on
N_BOOTSTRAP = 400
MIN_LINKED_NOTES = 30


class NotesAndDaily(Protocol):
    notes: pd.DataFrame
    note_daily: pd.DataFrame
    merchants: pd.DataFrame


@dataclass(frozen=True)
class ShiftTest:
    """Per signal: the post-link shift, its interval, the placebo and the verdict."""

    # signal, kind, shift, ci_low, ci_high (90%: the equivalence test), placebo and its 90%
    # interval, admitted
    table: pd.DataFrame
    margin: float
    n_linked_notes: int
    n_comparison_notes: int

    @property
    def admitted(self) -> tuple[str, ...]:
        return tuple(self.table.loc[self.table["admitted"], "signal"])

    def admitted_columns(self) -> tuple[str, ...]:
        """The note frame's columns the admitted signals allow.

        An admitted exposure gives its count; an admitted rate gives the rate, and the count
        too when the count it is a rate of is itself admitted (reads = impressions × reads
        per impression).
        """
        admitted = set(self.admitted)
        columns = []
        counts_ok: set[str] = set()
        for signal, denominator in EARLY_SIGNALS.items():
            if signal not in admitted:
                continue
            if denominator is None:
                counts_ok.add(signal)
                columns.append(early_count_column(signal))
                continue
            columns.append(early_rate_column(signal))
            if denominator in counts_ok:
                counts_ok.add(signal)
                columns.append(early_count_column(signal))
        return tuple(columns)

    def summary(self) -> str:
        admitted = ", ".join(self.admitted) or "none"
        return (
            f"{self.n_linked_notes} notes linked on day 2 or later vs {self.n_comparison_notes} "
            f"never-linked notes; admitted as controls (shift within ±{100 * self.margin:.0f}%): "
            f"{admitted}"
        )


@dataclass(frozen=True)
class _DailyMatrix:
    """Signals by note (rows) and age 0..MAX_AGE_DAYS (columns), with each note's strata."""

    values: dict[str, np.ndarray]  # signal -> (notes, ages)
    boost_spend: np.ndarray  # boosting spend over the ages looked at (0 = never boosted)
    link_day: np.ndarray  # NaN for comparison notes
    hour_block: np.ndarray
    is_linked: np.ndarray


def _daily_matrix(
    data: NotesAndDaily, as_of: pd.Timestamp, signals: tuple[str, ...]
) -> _DailyMatrix:
    notes = data.notes
    # Every age must be visible, and enrolment must precede publishing, so comparison notes are
    # notes that could have been linked and were not (same merchants' budgets and calendar).
    notes = notes[notes["publish_time"].dt.normalize() + (MAX_AGE_DAYS + 1) * DAY <= as_of]
    enrolled = notes["merchant_id"].map(data.merchants.set_index("merchant_id")["enrolled_date"])
    notes = notes[(enrolled.notna() & (enrolled <= notes["publish_time"])).to_numpy()]
    publish_day = notes["publish_time"].dt.normalize()
    link_known = notes["link_time"].notna() & (notes["link_time"] <= as_of)
    link_day = ((notes["link_time"].dt.normalize() - publish_day) / DAY).where(link_known)
    linked = link_day.between(2, MAX_AGE_DAYS - POST_DAYS).to_numpy()
    never = (~link_known).to_numpy()
    notes, link_day = notes[linked | never], link_day[linked | never]

    position = pd.Index(notes["note_id"].astype(str))
    daily = data.note_daily
    row = position.get_indexer(daily["note_id"].astype(str))
    known = row >= 0
    start = notes["publish_time"].dt.normalize().to_numpy()
    age = np.full(len(daily), -1, dtype=np.int64)
    age[known] = (
        (daily["date"].to_numpy()[known] - start[row[known]]) / np.timedelta64(1, "D")
    ).astype(np.int64)
    keep = known & (age >= 0) & (age <= MAX_AGE_DAYS)
    values = {}
    for signal in (*signals, "ad_spend"):
        matrix = np.zeros((len(notes), MAX_AGE_DAYS + 1))
        np.add.at(matrix, (row[keep], age[keep]), daily[signal].to_numpy("float64")[keep])
        values[signal] = matrix
    boost_spend = values.pop("ad_spend").sum(axis=1)
    hour = notes["publish_time"].dt.hour.to_numpy()
    return _DailyMatrix(
        values=values,
        boost_spend=boost_spend,
        link_day=link_day.to_numpy("float64"),
        hour_block=np.digitize(hour, HOUR_BLOCKS[1:-1]),
        is_linked=~np.isnan(link_day.to_numpy("float64")),
    )


def _window_sums(
    matrix: np.ndarray, link_day: np.ndarray, offset: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: (pre, post) sums around its link day L (an array, one per row).

    offset 0 (the test): pre = ages 1..L−1, post = L+1..L+POST_DAYS.
    offset 1 (the placebo, both windows before the link): pre = 1..L−2, post = L−1.
    Rows whose pre window is empty get NaN.
    """
    cumulative = np.concatenate([np.zeros((matrix.shape[0], 1)), np.cumsum(matrix, axis=1)], axis=1)
    rows = np.arange(matrix.shape[0])
    day = link_day.astype(np.int64)
    pre_last = day - 1 - offset
    post_first = day + 1 if offset == 0 else day - 1
    post_last = day + POST_DAYS if offset == 0 else day - 1
    pre = cumulative[rows, np.maximum(pre_last, 0) + 1] - cumulative[rows, 1]
    post = cumulative[rows, post_last + 1] - cumulative[rows, post_first]
    valid = pre_last >= 1
    return np.where(valid, pre, np.nan), np.where(valid, post, np.nan)


def _decay_shift(
    daily: _DailyMatrix, signal: str, weights: np.ndarray, offset: int, notes: np.ndarray
) -> np.ndarray:
    """Exposure signals: mean log(post/pre) of linked notes minus that of comparison notes at
    the same link day and publish-hour block, averaged over the linked notes' strata."""
    matrix = daily.values[signal]
    linked = daily.is_linked & notes
    control = ~daily.is_linked & notes
    pre, post = _window_sums(matrix, np.nan_to_num(daily.link_day), offset)
    change = np.log((post + 1.0) / (pre + 1.0))
    total = np.zeros(weights.shape[0])
    mass = np.zeros(weights.shape[0])
    for day in np.unique(daily.link_day[linked]).astype(int):
        c_pre, c_post = _window_sums(matrix, np.full(len(matrix), day), offset)
        c_change = np.log((c_post + 1.0) / (c_pre + 1.0))
        for block in np.unique(daily.hour_block):
            t = linked & (daily.link_day == day) & (daily.hour_block == block) & np.isfinite(change)
            c = control & (daily.hour_block == block) & np.isfinite(c_change)
            if not t.any() or not c.any():
                continue
            w_t, w_c = weights[:, t], weights[:, c]
            n_t = w_t.sum(axis=1)
            mean_t = (w_t @ change[t]) / np.maximum(n_t, 1e-12)
            mean_c = (w_c @ c_change[c]) / np.maximum(w_c.sum(axis=1), 1e-12)
            total += n_t * (mean_t - mean_c)
            mass += n_t
    with np.errstate(divide="ignore", invalid="ignore"):
        return total / mass


def _rate_shift(
    daily: _DailyMatrix,
    signal: str,
    denominator: str,
    pseudo_day: np.ndarray,
    weights: np.ndarray,
    offset: int,
) -> np.ndarray:
    """Rates (per impression, per read): log(observed / expected) after the link for linked
    notes minus the same for comparison notes split at a pseudo link day; expected = the
    post-link denominator × the note's own pre-link rate. Rates do not decay with age, so no
    strata are needed."""
    days = np.where(daily.is_linked, daily.link_day, pseudo_day)
    count_pre, count_post = _window_sums(daily.values[signal], days, offset)
    reads_pre, reads_post = _window_sums(daily.values[denominator], days, offset)
    usable = np.isfinite(count_pre) & (reads_pre > 0)
    rate_pre = np.where(usable, count_pre / np.where(usable, reads_pre, 1.0), 0.0)
    observed = np.where(usable, count_post, 0.0)
    expected = np.where(usable, reads_post * rate_pre, 0.0)

    def log_oe(group: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(
                (weights[:, group] @ observed[group]) / (weights[:, group] @ expected[group])
            )

    return log_oe(daily.is_linked & usable) - log_oe(~daily.is_linked & usable)


def engagement_shift_test(
    data: NotesAndDaily,
    *,
    as_of: pd.Timestamp,
    signals: tuple[str, ...] = tuple(EARLY_SIGNALS),
    margin: float = DEFAULT_MARGIN,
    seed: int = 0,
    n_bootstrap: int = N_BOOTSTRAP,
) -> ShiftTest:
    """For each early signal: does attaching the link move it? (see the module docstring)"""
    denominators = [EARLY_SIGNALS[s] for s in signals if EARLY_SIGNALS[s] is not None]
    needed = tuple(dict.fromkeys((*signals, *denominators)))
    daily = _daily_matrix(data, pd.Timestamp(as_of), needed)
    n_linked, n_never = int(daily.is_linked.sum()), int((~daily.is_linked).sum())
    enough = n_linked >= MIN_LINKED_NOTES and n_never >= MIN_LINKED_NOTES
    if not enough:
        log.warning(
            "only %d notes linked on day 2 or later (%d comparison notes): no early signal can "
            "be shown unmoved by the link, so none is admitted as a control",
            n_linked,
            n_never,
        )
    rng = np.random.default_rng(seed)
    n = len(daily.link_day)
    # Row 0: the estimate (weights 1); rows 1..B: Poisson bootstrap over notes.
    weights = np.vstack([np.ones(n), rng.poisson(1.0, size=(n_bootstrap, n)).astype("float64")])
    linked_days = daily.link_day[daily.is_linked]
    pseudo_day = rng.choice(linked_days, size=n) if len(linked_days) else np.full(n, 2.0)
    # Boosting (聚光) lifts a note's first days: a boosted note decays faster after its boost
    # ends, and paid notes are both boosted and linked more often. The exposure test therefore
    # uses only notes never boosted in the days it looks at.
    unboosted = daily.boost_spend == 0
    rows = []
    for signal in signals:
        denominator = EARLY_SIGNALS[signal]
        kind = "exposure" if denominator is None else f"rate per {denominator[:-1]}"
        if not enough:
            rows.append(_row(signal, kind, np.array([np.nan]), np.array([np.nan]), margin))
            continue
        if denominator is None:
            shift = _decay_shift(daily, signal, weights, 0, unboosted)
            placebo = _decay_shift(daily, signal, weights, 1, unboosted)
        else:
            shift = _rate_shift(daily, signal, denominator, pseudo_day, weights, offset=0)
            placebo = _rate_shift(daily, signal, denominator, pseudo_day, weights, offset=1)
        rows.append(_row(signal, kind, shift, placebo, margin))
    table = pd.DataFrame(rows)
    log.info(
        "link-shift test of early signals (margin ±%.0f%%):\n%s",
        100 * margin,
        table.to_string(index=False),
    )
    return ShiftTest(table, margin, n_linked, n_never)


def _row(signal: str, kind: str, shift: np.ndarray, placebo: np.ndarray, margin: float) -> dict:
    def interval(draws: np.ndarray) -> tuple[float, float]:
        finite = draws[1:][np.isfinite(draws[1:])]
        if len(finite) < 20:
            return np.nan, np.nan
        return float(np.quantile(finite, 0.05)), float(np.quantile(finite, 0.95))

    low, high = interval(shift)
    p_low, p_high = interval(placebo)
    # The placebo (both windows before the link) must not show a shift of the margin's size
    # either; otherwise the comparison notes do not stand for the linked notes' decay.
    placebo_ok = bool(
        np.isfinite(p_low) and -2 * margin < p_low and p_high < 2 * margin
    ) or not np.isfinite(p_low)
    admitted = bool(np.isfinite(low) and -margin < low and high < margin and placebo_ok)
    return {
        "signal": signal,
        "kind": kind,
        "shift": float(shift[0]),
        "ci_low": low,
        "ci_high": high,
        "placebo": float(placebo[0]),
        "placebo_low": p_low,
        "placebo_high": p_high,
        "admitted": admitted,
    }


def choose_controls(
    pre_link: tuple[str, ...], shift_test: ShiftTest | None
) -> tuple[tuple[str, ...], str]:
    """The covariates for the note-level design, and a sentence saying why."""
    if shift_test is None:
        return pre_link, "pre-link covariates only (the link-shift test was not run)"
    rejected = [s for s in shift_test.table["signal"] if s not in shift_test.admitted]
    reason = (
        f"pre-link covariates plus the early signals the link was shown not to move "
        f"(shift within ±{100 * shift_test.margin:.0f}%): {', '.join(shift_test.admitted) or 'none'}; "
        f"left out: {', '.join(rejected) or 'none'}"
    )
    return (*pre_link, *shift_test.admitted_columns()), reason
