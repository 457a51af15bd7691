"""The `redcat` command: simulate a world, validate a dataset, run the reports."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args

from redcat.config import NOTEBOOKS_DIR, REPORTS_DIR

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
    from redcat.runner import EXIT_BAD_INPUT, RunSetupError, discover_notebooks, run

    data_dir = Path(args.data)
    try:
        params = resolve_params(
            Path(args.params) if args.params else None,
            args.p or [],
            {"data_dir": str(data_dir.resolve())},
        )
    except ParameterError as exc:
        _say(f"redcat run: bad parameters\n{exc}", error=True)
        return EXIT_BAD_INPUT
    notebooks = discover_notebooks(Path(args.notebooks))
    if not notebooks:
        _say(f"redcat run: no report notebooks (NN_name.ipynb) in {args.notebooks}", error=True)
        return EXIT_BAD_INPUT
    try:
        outcome = run(
            params,
            reports_dir=Path(args.reports),
            notebooks=notebooks,
            wait=args.wait,
            keep=args.keep,
        )
    except RunSetupError as exc:
        _say(f"redcat run: {exc}", error=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C before the run started (e.g. while waiting for the lock)
        _say("redcat run: stopped before the run started; nothing written", error=True)
        return 130
    if outcome.exit_code == 0:
        _say(f"redcat run: run {outcome.run_id} succeeded: {outcome.run_dir}")
    else:
        _say(f"redcat run: {outcome.status}: {outcome.message}", error=True)
        if outcome.run_dir:
            _say(f"redcat run: its log and executed notebooks are in {outcome.run_dir}", error=True)
    return outcome.exit_code


def _say(line: str, error: bool = False) -> None:
    """A line for the person (or cron log) watching, stamped with the UTC time."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"{stamp} {line}", file=sys.stderr if error else sys.stdout, flush=True)


def cmd_index(args: argparse.Namespace) -> int:
    from redcat.run_index import write_index

    reports = Path(args.reports)
    if not reports.is_dir():
        print(f"redcat index: {reports} is not a folder", file=sys.stderr)
        return 2
    written = write_index(reports)
    print(f"rebuilt the run index: {written['zh']}, {written['en']}, {written['json']}")
    return 0


def _non_negative_seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, got {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


RUN_EXIT_CODES = """exit codes:
  0    the run succeeded; reports/latest points at it
  1    a notebook failed; its executed copy and run.log in the run folder hold the error,
       latest is unchanged
  2    bad parameters, data or options; nothing ran and nothing was written
  3    another run holds the reports folder (and --wait, if given, ran out); nothing written
  130  stopped by Ctrl-C (SIGINT), 143 by SIGTERM, 129 by SIGHUP: the run is marked
       interrupted, latest is unchanged

Every run (succeeded or not) rebuilds reports/index.html, index.en.html and index.json."""


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
        epilog="parameters:\n" + describe_parameters() + "\n\n" + RUN_EXIT_CODES,
    )
    run.add_argument("--data", required=True, help="dataset folder")
    run.add_argument("--params", help="YAML file of parameters")
    run.add_argument(
        "-p", action="append", metavar="KEY=VALUE", help="set one parameter (repeatable)"
    )
    run.add_argument(
        "--reports", default=str(REPORTS_DIR), help="reports folder (default %(default)s)"
    )
    run.add_argument(
        "--wait",
        type=_non_negative_seconds,
        default=0.0,
        metavar="SECONDS",
        help="if another run holds the reports folder, wait up to this long for it to end "
        "(default 0: exit 3 at once)",
    )
    run.add_argument(
        "--keep",
        type=_positive_int,
        metavar="N",
        help="after a successful run, delete the oldest run folders beyond the N newest "
        "(failed runs count; the latest good run and a run in progress are never deleted)",
    )
    run.add_argument(
        "--notebooks",
        default=str(NOTEBOOKS_DIR),
        help="folder of the NN_name.ipynb report notebooks (default %(default)s; "
        "env REDCAT_NOTEBOOKS_DIR)",
    )
    run.set_defaults(func=cmd_run)

    index = sub.add_parser(
        "index",
        help="rebuild reports/index.html (run history) and index.json from the run folders",
    )
    index.add_argument(
        "--reports", default=str(REPORTS_DIR), help="reports folder (default %(default)s)"
    )
    index.set_defaults(func=cmd_index)

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
    # The console shows warnings (progress too with -v); run.log gets INFO whatever this says.
    console = logging.StreamHandler()
    console.setLevel(logging.INFO if args.verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[console])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
