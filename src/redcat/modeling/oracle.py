"""The oracle of a simulated dataset: each note's true probability of an off-site order.

A simulated world folder holds `note_truth.parquet` (per note: `p_offsite_true`, the true
P(≥1 off-site order in W days) given the note's latent traits and its realized link, and
`expected_offsite_gmv_true`) and `truth.json` (with the `window_days` W those refer to).
Scoring those probabilities with the model's metrics gives the best any model could do with
these notes, which tells the report how close the model gets. Real exports have no truth: the
loader returns None and the report leaves the oracle out.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

NOTE_TRUTH_FILE = "note_truth.parquet"
TRUTH_FILE = "truth.json"
ORACLE_COLUMNS = ("note_id", "p_offsite_true", "expected_offsite_gmv_true")


def load_note_truth(folder: Path, window_days: int) -> pd.DataFrame | None:
    """The oracle columns for the dataset in `folder`, or None when it has none that fits.

    The truth is for one window W; a run with another W predicts something else, so the
    oracle would not be comparable and is left out.
    """
    folder = Path(folder)
    path = folder / NOTE_TRUTH_FILE
    if not path.is_file():
        return None
    truth_json = folder / TRUTH_FILE
    if truth_json.is_file():
        truth_window = json.loads(truth_json.read_text(encoding="utf-8")).get("window_days")
        if truth_window is not None and int(truth_window) != int(window_days):
            log.info(
                "truth is for a %s-day window, the run uses %s days: no oracle comparison",
                truth_window,
                window_days,
            )
            return None
    frame = pd.read_parquet(path)
    present = [c for c in ORACLE_COLUMNS if c in frame.columns]
    if "p_offsite_true" not in present:
        return None
    out = frame[present].copy()
    out["note_id"] = out["note_id"].astype(str)
    return out
