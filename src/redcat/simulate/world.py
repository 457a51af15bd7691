"""simulate_world: run the structural model, stage by stage, into tables and truth.

Stages (each its own module and random stream): merchants → creators → notes → links →
note_daily signals → buyers (potential outcomes and oracle) → merchant_daily → truth → tables.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import pandas as pd

from redcat.simulate.buyers import simulate_buyers
from redcat.simulate.config import WorldConfig
from redcat.simulate.creators import draw_creators
from redcat.simulate.links import draw_links
from redcat.simulate.merchant_daily import simulate_merchant_daily
from redcat.simulate.merchants import draw_merchants
from redcat.simulate.notes import draw_notes
from redcat.simulate.signals import simulate_note_daily
from redcat.simulate.tables import build_tables
from redcat.simulate.timeline import Timeline
from redcat.simulate.truth import compute_truth, note_truth_frame

log = logging.getLogger(__name__)


@dataclass
class SimulatedWorld:
    tables: dict[str, pd.DataFrame]  # the contract's tables
    truth: dict  # truth.json
    note_truth: pd.DataFrame  # per-note latents, oracle and potential outcomes
    config: WorldConfig
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


def simulate_world(config: WorldConfig) -> SimulatedWorld:
    """Simulate one world: the same config (seed included) gives the same world."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now
        log.debug("simulate: %s in %.2fs", stage, timings[stage])

    timeline = Timeline(
        config.start_date, config.end_date, extra_days=config.daily_rows_per_note + 1
    )
    merchants = draw_merchants(config, timeline)
    creators = draw_creators(config)
    lap("merchants_creators")
    notes = draw_notes(config, timeline, merchants, creators)
    notes.link_sec = draw_links(config, timeline, merchants, notes)
    lap("notes_links")
    note_daily = simulate_note_daily(config, timeline, notes)
    lap("note_daily")
    buyers, oracle = simulate_buyers(config, timeline, notes, merchants)
    lap("buyers")
    daily = simulate_merchant_daily(config, timeline, merchants, notes, buyers)
    lap("merchant_daily")
    note_truth = note_truth_frame(config, notes, buyers, oracle)
    truth = compute_truth(config, timeline, notes, merchants, note_truth, daily)
    lap("truth")
    tables = build_tables(timeline, merchants, creators, notes, note_daily, buyers, daily)
    lap("tables")
    log.info(
        "simulated %d notes, %d note_daily rows, %d merchants (%d enrolled), %d linked notes",
        notes.n,
        note_daily.n_rows,
        merchants.n,
        truth["n_enrolled_merchants"],
        truth["n_linked_notes"],
    )
    return SimulatedWorld(
        tables=tables, truth=truth, note_truth=note_truth, config=config, timings=timings
    )
