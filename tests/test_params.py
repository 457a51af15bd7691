"""Run parameters are checked before any work: unknown keys, wrong types, out-of-range values."""

from __future__ import annotations

import pytest

from redcat.params import (
    ParameterError,
    RunParams,
    build_params,
    parse_overrides,
    resolve_params,
    user_parameter_names,
)


def test_defaults_follow_the_contract():
    params = RunParams()
    assert (params.window_days, params.horizon_hours, params.language) == (14, 72, "zh")


def test_tradeoff_parameters_default_and_accept_whole_numbers():
    params = RunParams()
    assert (params.commission_rate, params.ad_revenue_per_linked_note) == (0.05, 0.0)
    assert params.ad_revenue_per_ad_yuan == 1.0
    values = parse_overrides(["commission_rate=0", "ad_revenue_per_linked_note=20"])
    assert build_params(values).ad_revenue_per_linked_note == 20.0


def test_overrides_are_read_as_typed_values():
    values = parse_overrides(["window_days=7", "as_of=2025-07-01", "language=en"])
    assert values == {"window_days": 7, "as_of": "2025-07-01", "language": "en"}


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"windw_days": 7}, "unknown parameter 'windw_days'"),
        ({"window_days": "seven"}, "'window_days'"),
        ({"window_days": 0}, "'window_days'"),
        ({"window_days": 61}, "'window_days'"),
        ({"horizon_hours": 7.5}, "'horizon_hours'"),
        ({"seed": -1}, "'seed'"),
        ({"seed": True}, "'seed'"),
        ({"language": "fr"}, "'language'"),
        ({"as_of": "2025-13-01"}, "'as_of'"),
        ({"as_of": "yesterday"}, "'as_of'"),
        ({"commission_rate": 1.5}, "'commission_rate'"),
        ({"commission_rate": -0.01}, "'commission_rate'"),
        ({"commission_rate": "5%"}, "'commission_rate'"),
        ({"ad_revenue_per_linked_note": -1.0}, "'ad_revenue_per_linked_note'"),
        ({"ad_revenue_per_ad_yuan": 1.2}, "'ad_revenue_per_ad_yuan'"),
    ],
)
def test_bad_parameters_are_named(values, fragment):
    with pytest.raises(ParameterError, match=fragment):
        build_params(values)


def test_all_problems_are_reported_together():
    with pytest.raises(ParameterError) as err:
        build_params({"bogus": 1, "window_days": -3, "language": "fr"})
    message = str(err.value)
    assert "bogus" in message and "window_days" in message and "language" in message


def test_file_then_flags_then_runner(tmp_path):
    params_file = tmp_path / "weekly.yaml"
    params_file.write_text("window_days: 7\nas_of: 2025-07-01\nlanguage: en\n", encoding="utf-8")
    params = resolve_params(params_file, ["window_days=10"], {"data_dir": "/data"})
    assert (params.window_days, params.as_of, params.language, params.data_dir) == (
        10,
        "2025-07-01",
        "en",
        "/data",
    )


def test_users_cannot_set_runner_owned_parameters(tmp_path):
    with pytest.raises(ParameterError, match="set by the runner"):
        resolve_params(None, ["run_dir=/tmp/x"], {"data_dir": "/data"})


@pytest.mark.parametrize("text", ["- a\n- b\n", "window_days: [1\n"])
def test_unreadable_parameter_files_are_named(tmp_path, text):
    params_file = tmp_path / "bad.yaml"
    params_file.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match="bad.yaml"):
        resolve_params(params_file, [], {"data_dir": "/data"})


def test_missing_parameter_file_is_named(tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        resolve_params(tmp_path / "nope.yaml", [], {})


def test_user_parameters_exclude_runner_owned():
    assert "run_dir" not in user_parameter_names()
    assert "data_dir" not in user_parameter_names()
