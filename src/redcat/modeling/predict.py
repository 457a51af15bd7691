"""Score notes with a saved model: `redcat score --model DIR --data FOLDER --out F`.

Scoring uses the model's own horizon H and training yardstick (redcat.features.FeatureReference),
so a note is scored exactly as the model's training notes were featurised. Only notes whose H
hours have passed by the data's end are scored: a younger note's signals are incomplete and its
score would be biased low. They are counted and left out, never silently scored.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pandas as pd

from redcat.features import (
    REQUIRED_COLUMNS,
    FeatureTables,
    MissingFeatureData,
    build_features,
    features_complete,
)
from redcat.modeling.artifacts import ModelArtifactError, load_model
from redcat.modeling.model import ConversionModel, FeatureMismatch

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_BAD_INPUT = 2
OUTPUT_SUFFIXES = (".parquet", ".csv")


def score_notes(model: ConversionModel, data, as_of: pd.Timestamp) -> tuple[pd.DataFrame, int]:
    """Predictions for every note whose features are final by `as_of`, and how many were not.

    Returns a frame (note_id, publish_time, p_offsite, expected_offsite_gmv) and the count of
    notes left out because fewer than H hours had passed.
    """
    notes = data.notes[data.notes["publish_time"] <= as_of]
    ready = features_complete(notes, model.horizon_hours, as_of).to_numpy()
    scoped = FeatureTables.of(data, notes[ready])
    features = build_features(scoped, model.horizon_hours, model.reference)
    publish = pd.Series(notes.loc[ready, "publish_time"].to_numpy(), index=features.index)
    predicted = model.predict(features, publish).rename_axis("note_id").reset_index()
    predicted.insert(1, "publish_time", notes.loc[ready, "publish_time"].to_numpy())
    return predicted, int((~ready).sum())


def missing_feature_inputs(folder: Path) -> list[str]:
    """Tables and columns the features need that the folder's files lack (read headers only)."""
    import pyarrow.csv as pv
    import pyarrow.parquet as pq

    missing = []
    for table, columns in REQUIRED_COLUMNS.items():
        files = [
            folder / f"{table}{s}" for s in OUTPUT_SUFFIXES if (folder / f"{table}{s}").is_file()
        ]
        if not files:
            missing.append(f"table {table!r} ({table}.parquet or {table}.csv)")
            continue
        path = files[0]
        try:
            if path.suffix == ".parquet":
                names = set(pq.read_schema(path).names)
            else:
                with pv.open_csv(path) as reader:
                    names = set(reader.schema.names)
        except Exception:  # unreadable files are the data loader's to report, in detail
            continue
        missing.extend(f"{table}.{c}" for c in columns if c not in names)
    return missing


def _write(frame: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    if out.suffix == ".csv":
        frame.to_csv(tmp, index=False, encoding="utf-8")
    else:
        frame.to_parquet(tmp, index=False)
    tmp.replace(out)


def score_command(model_dir: Path, data_dir: Path, out: Path) -> int:
    """The `redcat score` command: exit 0 when scored, 2 on a bad model, data or output path."""
    from redcat.data import DataContractError, load_dataset
    from redcat.notebook import resolve_as_of

    model_dir, data_dir, out = Path(model_dir), Path(data_dir), Path(out)
    if out.suffix not in OUTPUT_SUFFIXES:
        print(
            f"redcat score: --out must end in .parquet or .csv, got {out.name!r}", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    try:
        model = load_model(model_dir)
    except ModelArtifactError as exc:
        print(f"redcat score: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not data_dir.is_dir():
        print(f"redcat score: data folder {data_dir} does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    missing = missing_feature_inputs(data_dir)
    if missing:
        print(
            f"redcat score: {data_dir} lacks data the model's features need: {', '.join(missing)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        data = load_dataset(data_dir)
    except DataContractError as exc:
        print(f"redcat score: {data_dir} breaks the data contract\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    as_of = resolve_as_of("", data)
    try:
        scored, too_young = score_notes(model, data, as_of)
    except (MissingFeatureData, FeatureMismatch) as exc:
        print(f"redcat score: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    scored["model_version"] = model_dir.resolve().name
    _write(scored, out)
    print(
        f"scored {len(scored):,} notes with {model_dir.name} into {out}"
        + (
            f"; {too_young:,} notes published less than {model.horizon_hours} h before the "
            f"data end ({as_of:%Y-%m-%d}) were left out: their signals are not complete yet"
            if too_young
            else ""
        )
    )
    return EXIT_OK
