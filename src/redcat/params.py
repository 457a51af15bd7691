"""Run parameters: one typed, validated record of what a run was asked to do.

papermill only warns about parameters a notebook does not declare, so the runner checks every
parameter here first: unknown keys, wrong types and out-of-range values stop a run before any
work starts, with a message naming the parameter and the problem.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from redcat.config import DEFAULT_HORIZON_HOURS, DEFAULT_WINDOW_DAYS


class ParameterError(ValueError):
    """Parameters that cannot be used; the message names each parameter and its problem."""


class RunParams(BaseModel):
    """Parameters every notebook of a run receives (the notebooks' `parameters` cells)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    data_dir: str = Field("", description="dataset folder; empty = the default simulated world")
    run_dir: str = Field("", description="where the run writes outputs; set by the runner")
    as_of: str = Field(
        "",
        description="YYYY-MM-DD: the run sees off-site orders reported by this day; empty = data end",
    )
    window_days: int = Field(
        DEFAULT_WINDOW_DAYS, ge=1, le=60, description="attribution window W, days"
    )
    horizon_hours: int = Field(
        DEFAULT_HORIZON_HOURS, ge=1, le=24 * 14, description="prediction horizon H, hours"
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="random seed for every model")
    language: Literal["zh", "en"] = Field("zh", description="report language")
    commission_rate: float = Field(
        0.05, ge=0.0, le=1.0, description="in-app commission rate (share of in-app GMV)"
    )
    ad_revenue_per_linked_note: float = Field(
        0.0, ge=0.0, le=1e6, description="platform ad revenue per linked note, ¥"
    )
    ad_revenue_per_ad_yuan: float = Field(
        1.0, ge=0.0, le=1.0, description="platform revenue per ¥1 of extra merchant ad spend"
    )
    cluster: str = Field(
        "local",
        description="where heavy stages run: local, or a Dask scheduler address tcp://host:8786",
    )

    @field_validator("as_of")
    @classmethod
    def _iso_date_or_empty(cls, value: str) -> str:
        if value:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"must be a date written YYYY-MM-DD, got {value!r}") from exc
        return value

    @field_validator("cluster")
    @classmethod
    def _local_or_scheduler_address(cls, value: str) -> str:
        from redcat.engine.cluster import check_cluster

        return check_cluster(value)


# Set by the runner itself, never by a user's parameters file or -p flag.
RUNNER_OWNED = frozenset({"data_dir", "run_dir"})


def user_parameter_names() -> list[str]:
    return [name for name in RunParams.model_fields if name not in RUNNER_OWNED]


def describe_parameters() -> str:
    """One line per user parameter: name, type, default, meaning (for --help and errors)."""
    lines = []
    for name in user_parameter_names():
        field = RunParams.model_fields[name]
        kind = getattr(field.annotation, "__name__", str(field.annotation))
        lines.append(f"  {name} ({kind}, default {field.default!r}): {field.description}")
    return "\n".join(lines)


def build_params(values: dict[str, Any], source: str = "parameters") -> RunParams:
    """Validate a mapping of parameters, turning pydantic's errors into one readable message."""
    unknown = sorted(set(values) - set(RunParams.model_fields))
    problems = [
        f"{source}: unknown parameter {key!r} (known: {', '.join(user_parameter_names())})"
        for key in unknown
    ]
    known = {k: v for k, v in values.items() if k not in unknown}
    try:
        params = RunParams(**known)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(parameters)"
            problems.append(
                f"{source}: parameter {where!r}: {err['msg']} (got {err.get('input')!r})"
            )
        params = None
    if problems:
        raise ParameterError("\n".join(problems))
    return params


def read_params_file(path: Path) -> dict[str, Any]:
    """A YAML mapping of parameter names to values."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: parameters file not found")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: not a readable YAML file: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(
            f"{path}: must hold a mapping of parameter: value, not {type(loaded).__name__}"
        )
    return loaded


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """`-p key=value` flags; values read as YAML scalars, so `-p window_days=7` is an int."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"-p {pair!r}: expected key=value")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError as exc:
            raise ParameterError(f"-p {pair!r}: value is not readable: {exc}") from exc
        # YAML reads 2025-07-01 as a date; every date parameter is a string.
        values[key.strip()] = value.isoformat() if isinstance(value, date) else value
    return values


def resolve_params(
    params_file: Path | None, overrides: list[str], runner_values: dict[str, Any]
) -> RunParams:
    """File, then -p flags, then what the runner sets; user input may not set runner-owned keys."""
    values: dict[str, Any] = {}
    if params_file is not None:
        from_file = read_params_file(params_file)
        for key, value in from_file.items():
            if isinstance(value, date):
                from_file[key] = value.isoformat()
        values.update(from_file)
    values.update(parse_overrides(overrides))
    owned = sorted(RUNNER_OWNED & set(values))
    if owned:
        raise ParameterError(
            f"parameters {owned} are set by the runner (use --data); remove them from your parameters"
        )
    values.update(runner_values)
    return build_params(values)
