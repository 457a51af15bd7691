"""Versioned model artifacts: `models/offsite_conversion/<version>/`, never overwritten.

A version folder holds:
- `classifier.txt`, `gmv_regressor.txt`: the LightGBM boosters in LightGBM's own text format
  (readable, diffable, loadable by any LightGBM; no pickle, so loading runs no code);
- `model.json`: what scoring needs besides the boosters (features, horizon, window,
  calibration, the training notes' price yardstick);
- `model_card.json` and `model_card.md`: what the model is for, its training window, data
  fingerprint, features, parameters, metrics and known limits.

The version is a UTC timestamp plus the data fingerprint's first characters, so versions sort
by time and say which data they came from. The folder is written under a temporary name and
renamed into place: a half-written version is never visible, and an existing one is never
replaced.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb

from redcat.config import MODELS_DIR
from redcat.features import FEATURE_DESCRIPTIONS, FeatureReference
from redcat.modeling.calibration import Calibrator
from redcat.modeling.model import ConversionModel
from redcat.results import write_json_atomic

log = logging.getLogger(__name__)

MODEL_NAME = "offsite_conversion"
CLASSIFIER_FILE = "classifier.txt"
REGRESSOR_FILE = "gmv_regressor.txt"
MODEL_FILE = "model.json"
CARD_JSON = "model_card.json"
CARD_MD = "model_card.md"
FORMAT_VERSION = 1


class ModelArtifactError(ValueError):
    """A model folder that is missing files or is not a conversion model."""


def models_root(root: Path | None = None) -> Path:
    return Path(root) if root is not None else MODELS_DIR / MODEL_NAME


def new_version(fingerprint: str, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{(fingerprint or 'nodata')[:8]}"


def model_spec(model: ConversionModel) -> dict[str, Any]:
    """Everything besides the boosters that scoring needs."""
    return {
        "format_version": FORMAT_VERSION,
        "model": MODEL_NAME,
        "feature_names": model.feature_names,
        "horizon_hours": model.horizon_hours,
        "window_days": model.window_days,
        "calibrator": model.calibrator.to_dict(),
        "gmv_scale": model.gmv_scale,
        "reference": model.reference.to_dict(),
        "info": model.info,
    }


def save_model(
    model: ConversionModel,
    card: dict[str, Any],
    *,
    fingerprint: str,
    root: Path | None = None,
    now: datetime | None = None,
) -> Path:
    """Write a new version folder and return its path (an existing version is never touched)."""
    root = models_root(root)
    root.mkdir(parents=True, exist_ok=True)
    version = new_version(fingerprint, now)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root))
    staging.chmod(0o755)  # mkdtemp makes it private; a model folder is for the whole team
    try:
        model.classifier.save_model(str(staging / CLASSIFIER_FILE))
        model.gmv_regressor.save_model(str(staging / REGRESSOR_FILE))
        write_json_atomic(staging / MODEL_FILE, model_spec(model))
        card = {**card, "version": version}
        write_json_atomic(staging / CARD_JSON, card)
        (staging / CARD_MD).write_text(render_card_markdown(card), encoding="utf-8")
        target = _free_name(root, version)
        # rename() of a directory fails if the target exists and is non-empty: never overwrites.
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("saved conversion model %s", target)
    return target


def _free_name(root: Path, version: str) -> Path:
    target, n = root / version, 1
    while target.exists():  # two saves in one second on the same data
        n += 1
        target = root / f"{version}-{n}"
    return target


def load_model(folder: Path) -> ConversionModel:
    """Load a version folder written by `save_model`."""
    folder = Path(folder)
    missing = [
        f for f in (CLASSIFIER_FILE, REGRESSOR_FILE, MODEL_FILE) if not (folder / f).is_file()
    ]
    if missing:
        raise ModelArtifactError(
            f"{folder} is not a conversion model folder: missing {', '.join(missing)}"
        )
    spec = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    if spec.get("model") != MODEL_NAME or spec.get("format_version") != FORMAT_VERSION:
        raise ModelArtifactError(
            f"{folder / MODEL_FILE}: not a {MODEL_NAME} model of format {FORMAT_VERSION}"
        )
    return ConversionModel(
        classifier=lgb.Booster(model_file=str(folder / CLASSIFIER_FILE)),
        gmv_regressor=lgb.Booster(model_file=str(folder / REGRESSOR_FILE)),
        calibrator=Calibrator.from_dict(spec["calibrator"]),
        reference=FeatureReference.from_dict(spec["reference"]),
        feature_names=list(spec["feature_names"]),
        horizon_hours=int(spec["horizon_hours"]),
        window_days=int(spec["window_days"]),
        gmv_scale=float(spec.get("gmv_scale", 1.0)),
        info=dict(spec.get("info", {})),
    )


def list_versions(root: Path | None = None) -> list[Path]:
    root = models_root(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


# --- The model card ---------------------------------------------------------------------------
KNOWN_LIMITS = (
    "Predicts from what is known H hours after publishing; scores for notes younger than H "
    "would use incomplete signals and are not produced.",
    "Learned from notes whose attribution window and reporting lag had passed; a change in how "
    "partner data report orders (lag, attribution rules) shifts the targets.",
    "Association, not effect: a feature that predicts conversion (e.g. a link) is not a "
    "measure of what adding it would cause; the cannibalization study answers that.",
    "Trained on one period; seasonality (618 and other festivals) and new industries outside "
    "the training data may make it less accurate. Retrain and compare with this card.",
    "Probabilities are corrected on the validation notes, which lie between training and test "
    "in time; when the season turns after them (a festival ends), the level lags by a few "
    "points until the model is retrained.",
    "Off-site orders count only when the partner data attribute them to the note; natural "
    "store visits that were never attributed are invisible to the model.",
)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def render_card_markdown(card: dict[str, Any]) -> str:
    """The model card for people: a short Markdown page from the same dict as the JSON card."""
    lines = [
        f"# Model card: off-site conversion ({card.get('version', '')})",
        "",
        "Predicts, for each seeding note, the probability of at least one off-site (Taobao) "
        f"order within {card['window_days']} days of publishing, and the expected off-site GMV, "
        f"from what is known {card['horizon_hours']} hours after publishing.",
        "",
        "## Training",
        "",
        f"- data fingerprint: `{card.get('data_fingerprint', '')}`",
        f"- data as of: {card.get('as_of', '')}",
    ]
    for key, label in (
        ("train_period", "training notes published"),
        ("valid_period", "validation notes published"),
        ("test_period", "test notes published"),
    ):
        if key in card:
            lo, hi = card[key]
            lines.append(f"- {label}: {lo} to {hi}")
    for key in ("train_notes", "valid_notes", "test_notes", "immature_notes_excluded"):
        if key in card:
            lines.append(f"- {key.replace('_', ' ')}: {card[key]:,}")
    if "reporting_lag_hours" in card:
        lines.append(
            f"- reporting lag allowed before a note counts as mature: {card['reporting_lag_hours']:.0f} h"
        )
    lines += ["", "## Metrics on the test notes", ""]
    metrics = card.get("metrics", {})
    if metrics:
        names = list(next(iter(metrics.values())).keys())
        lines.append("| scorer | " + " | ".join(names) + " |")
        lines.append("|---|" + "---|" * len(names))
        for scorer, values in metrics.items():
            lines.append(f"| {scorer} | " + " | ".join(_fmt(values[n]) for n in names) + " |")
    lines += ["", "## Features", ""]
    for name in card.get("features", []):
        lines.append(f"- `{name}`: {FEATURE_DESCRIPTIONS.get(name, '')}")
    lines += [
        "",
        "## Parameters",
        "",
        "```json",
        json.dumps(card.get("parameters", {}), indent=2, sort_keys=True),
        "```",
    ]
    lines += ["", "## Known limits", ""]
    lines += [f"- {limit}" for limit in card.get("known_limits", KNOWN_LIMITS)]
    return "\n".join(lines) + "\n"


def card_from_study(study, fingerprint: str) -> dict[str, Any]:
    """The model card's content for a model trained by `run_conversion_study`."""
    from redcat.modeling.split import TEST, TRAIN, VALID

    periods = {}
    for name in (TRAIN, VALID, TEST):
        ids = study.split.index[study.split == name]
        times = study.publish_time.reindex(ids)
        periods[f"{name}_period"] = [str(times.min()), str(times.max())]
    metrics = {
        row["scorer"]: {k: row[k] for k in ("auc", "pr_auc", "logloss", "brier", "ece")}
        for _, row in study.metrics.iterrows()
    }
    counts = study.counts
    return {
        "model": MODEL_NAME,
        "purpose": "rank and size seeding notes by their chance of off-site (Taobao) orders, "
        "a few days after publishing, to decide where link and boosting budget goes",
        "data_fingerprint": fingerprint,
        "as_of": str(study.as_of),
        "horizon_hours": study.horizon_hours,
        "window_days": study.window_days,
        "seed": study.seed,
        **periods,
        "train_notes": counts["train_notes"],
        "valid_notes": counts["valid_notes"],
        "test_notes": counts["test_notes"],
        "immature_notes_excluded": counts["immature"],
        "reporting_lag_hours": counts["reporting_lag_hours"],
        "features": study.model.feature_names,
        "parameters": study.model.info.get("settings", {}),
        "boosting_rounds": {
            "classifier": study.model.info.get("classifier_rounds"),
            "gmv_regressor": study.model.info.get("gmv_rounds"),
        },
        "calibration": study.model.info.get("calibration", {}),
        "calibration_check": study.ece_check,
        "gmv_scale": study.model.gmv_scale,
        "metrics": metrics,
        "known_limits": list(KNOWN_LIMITS),
        "lightgbm_version": lgb.__version__,
    }
