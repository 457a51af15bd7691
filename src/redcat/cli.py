"""The `redcat` command: simulate a world, validate a dataset, run the reports."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any, get_args

from redcat.config import REPORTS_DIR

log = logging.getLogger("redcat")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _scalar_type(annotation: Any) -> type:
    """The scalar type behind Optional[...] annotations of the simulator's config."""
    candidates = [a for a in (get_args(annotation) or (annotation,)) if a is not type(None)]
    return candidates[0] if candidates else str


def _add_world_flags(parser: argparse.ArgumentParser) -> None:
    from redcat.simulate import WorldConfig

    for name, field in WorldConfig.model_fields.items():
        kind = _scalar_type(field.annotation)
        help_text = f"{field.description or ''} (default {field.default!r})"
        if kind is bool:
            parser.add_argument(
                _flag(name), dest=name, action=argparse.BooleanOptionalAction, help=help_text
            )
        elif kind in (int, float, str):
            parser.add_argument(_flag(name), dest=name, type=kind, help=help_text)
        elif kind is date:
            parser.add_argument(_flag(name), dest=name, type=date.fromisoformat, help=help_text)
        else:  # anything exotic is still settable as text and validated by WorldConfig
            parser.add_argument(_flag(name), dest=name, help=help_text)


def cmd_simulate(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from redcat.simulate import WorldConfig, simulate_world, write_world

    fields = WorldConfig.model_fields
    chosen = {k: v for k, v in vars(args).items() if k in fields and v is not None}
    try:
        config = WorldConfig(**chosen)
    except ValidationError as exc:
        for err in exc.errors():
            where = _flag(str(err["loc"][0])) if err["loc"] else "(config)"
            print(f"redcat simulate: {where}: {err['msg']}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.overwrite:
        print(
            f"redcat simulate: {out} is not empty; pass --overwrite to replace it", file=sys.stderr
        )
        return 2
    world = simulate_world(config)
    write_world(world, out, overwrite=args.overwrite)
    counts = ", ".join(f"{name} {len(frame):,}" for name, frame in world.tables.items())
    print(f"wrote a simulated Red Cat world to {out}: {counts}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from redcat.data import validate_command

    return validate_command(Path(args.folder))


def cmd_run(args: argparse.Namespace) -> int:
    from redcat.params import ParameterError, resolve_params
    from redcat.runner import EXIT_BAD_INPUT, RunSetupError, run

    data_dir = Path(args.data)
    try:
        params = resolve_params(
            Path(args.params) if args.params else None,
            args.p or [],
            {"data_dir": str(data_dir.resolve())},
        )
    except ParameterError as exc:
        print(f"redcat run: bad parameters\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        outcome = run(params, reports_dir=Path(args.reports))
    except RunSetupError as exc:
        print(f"redcat run: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if outcome.exit_code == 0:
        print(f"run {outcome.run_id} succeeded: {outcome.run_dir}")
    else:
        print(f"redcat run: {outcome.status}: {outcome.message}", file=sys.stderr)
        if outcome.run_dir:
            print(f"the executed notebooks and manifest are in {outcome.run_dir}", file=sys.stderr)
    return outcome.exit_code


def cmd_score(args: argparse.Namespace) -> int:
    from redcat.modeling.predict import score_command

    return score_command(Path(args.model), Path(args.data), Path(args.out))


def build_parser() -> argparse.ArgumentParser:
    from redcat.params import describe_parameters

    parser = argparse.ArgumentParser(
        prog="redcat", description="What the Red Cat Plan's external links are worth."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress (INFO)")
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("simulate", help="simulate a Red Cat world into a dataset folder")
    sim.add_argument("out", help="folder to write the dataset, truth.json and the config into")
    sim.add_argument("--overwrite", action="store_true", help="replace a non-empty folder")
    _add_world_flags(sim)
    sim.set_defaults(func=cmd_simulate)

    val = sub.add_parser("validate", help="check a dataset folder against the data contract")
    val.add_argument("folder")
    val.set_defaults(func=cmd_validate)

    run = sub.add_parser(
        "run",
        help="validate, then execute the report notebooks into reports/<run_id>/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="parameters:\n"
        + describe_parameters()
        + "\n\nexit codes: 0 succeeded, 1 a notebook failed, 2 bad parameters or data,"
        " 3 another run holds the reports folder",
    )
    run.add_argument("--data", required=True, help="dataset folder")
    run.add_argument("--params", help="YAML file of parameters")
    run.add_argument(
        "-p", action="append", metavar="KEY=VALUE", help="set one parameter (repeatable)"
    )
    run.add_argument(
        "--reports", default=str(REPORTS_DIR), help="reports folder (default %(default)s)"
    )
    run.set_defaults(func=cmd_run)

    score = sub.add_parser(
        "score",
        help="score a dataset's notes with a saved off-site conversion model",
        epilog="exit codes: 0 scored, 2 bad model folder, data or output path",
    )
    score.add_argument("--model", required=True, help="models/offsite_conversion/<version> folder")
    score.add_argument("--data", required=True, help="dataset folder of the notes to score")
    score.add_argument("--out", required=True, help="output file, .parquet or .csv")
    score.set_defaults(func=cmd_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
