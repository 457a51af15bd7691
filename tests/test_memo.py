"""redcat.engine.memo: a stored result is reused only when every part of its key is unchanged."""

from __future__ import annotations

import importlib
import sys
from types import SimpleNamespace

import pandas as pd
import pytest

from redcat.engine import memo


def _key(**changes):
    parts = {"data": "fp1", "parameters": {"seed": 0, "window_days": 14}, "code": "c1"}
    return memo.memo_key(**{**parts, **changes})


def test_same_inputs_hit_and_each_changed_input_misses():
    name, calls = "test.memo.inputs", []

    def compute():
        calls.append(1)
        return len(calls)

    assert memo.remember(name, _key(), compute) == 1
    assert memo.remember(name, _key(), compute) == 1  # hit: not computed again
    assert memo.counts(name) == (1, 1)
    changed = [
        _key(data="fp2"),
        _key(parameters={"seed": 1, "window_days": 14}),
        _key(parameters={"seed": 0, "window_days": 7}),
        _key(code="c2"),
        _key(truth="t2"),
    ]
    assert len({_key(), *changed}) == 1 + len(changed)
    for number, key in enumerate(changed, start=2):
        assert memo.remember(name, key, compute) == number
    assert memo.counts(name) == (1, 1 + len(changed))
    memo.forget(name)
    assert memo.remember(name, changed[-1], compute) == len(changed) + 2


def test_the_source_object_must_be_the_same():
    name, source, calls = "test.memo.source", object(), []
    memo.remember(name, _key(), lambda: calls.append(1), source=source)
    memo.remember(name, _key(), lambda: calls.append(1), source=source)
    memo.remember(name, _key(), lambda: calls.append(1), source=object())
    assert len(calls) == 2
    memo.forget(name)


def test_a_failed_computation_stores_nothing():
    name = "test.memo.fail"

    def boom():
        raise ValueError("too few notes")

    with pytest.raises(ValueError, match="too few notes"):
        memo.remember(name, _key(), boom)
    assert memo.remember(name, _key(), lambda: 42) == 42


def test_code_digest_changes_when_a_module_of_a_package_changes(tmp_path, monkeypatch):
    package = tmp_path / "memo_probe_pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "work.py").write_text("X = 1\n")
    (tmp_path / "memo_probe_mod.py").write_text("Y = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    try:
        before = memo.code_digest(["memo_probe_pkg", "memo_probe_mod"])
        assert memo.code_digest(["memo_probe_pkg", "memo_probe_mod"]) == before
        (package / "sub" / "work.py").write_text("X = 2\n")  # nested module of the package
        after_pkg = memo.code_digest(["memo_probe_pkg", "memo_probe_mod"])
        assert after_pkg != before
        (tmp_path / "memo_probe_mod.py").write_text("Y = 2\n")  # a plain module
        assert memo.code_digest(["memo_probe_pkg", "memo_probe_mod"]) not in (before, after_pkg)
    finally:
        for name in ("memo_probe_pkg", "memo_probe_mod"):
            sys.modules.pop(name, None)


def test_conversion_code_digest_covers_the_training_modules():
    from redcat.report.conversion_sections import STUDY_CODE

    files = {p.name for name in STUDY_CODE for p in memo._source_files(name)}
    assert {"study.py", "train.py", "model.py", "features.py", "dask_path.py"} <= files


class _Run(SimpleNamespace):
    def record(self, key, value):
        self.recorded[key] = value

    def save_table(self, name, frame):
        self.tables[name] = frame


def _fake_estimates():
    frame = pd.DataFrame({"x": [1.0]})
    return {
        "results": {"cannibalization.note_inapp": {"estimate": -1.5}},
        "heterogeneity": frame,
        "designs": frame,
        "merchant_level": SimpleNamespace(event_study=frame),
        "note_level": SimpleNamespace(shift_test=SimpleNamespace(table=frame)),
    }


@pytest.mark.parametrize(
    "change", ["seed", "window_days", "horizon_hours", "as_of", "data", "fingerprint", "code"]
)
def test_cannibalization_estimates_are_reused_until_an_input_changes(monkeypatch, change):
    from redcat.report import cannibalization_sections as sections

    calls = []
    monkeypatch.setattr(sections, "estimate_all", lambda run: calls.append(1) or _fake_estimates())
    data = SimpleNamespace(fingerprint="fp")
    params = {"window_days": 14, "horizon_hours": 72, "seed": 0}
    as_of = pd.Timestamp("2025-07-31 23:59:59")

    def run_once(data=data, as_of=as_of, **changed):
        run = _Run(
            data=data,
            params=SimpleNamespace(**{**params, **changed}),
            as_of=as_of,
            recorded={},
            tables={},
        )
        return sections.estimate(run)

    first = run_once()
    again = run_once()
    assert len(calls) == 1 and again.out is first.out  # warm re-run: estimated once
    # the side effects still happen on the warm re-run
    assert again.run.recorded == {"cannibalization.note_inapp": {"estimate": -1.5}}
    assert set(again.run.tables) == {
        "cannibalization_subgroups",
        "cannibalization_designs",
        "cannibalization_event_study",
        "cannibalization_link_shift_test",
    }
    if change in params:
        run_once(**{change: params[change] + 1})
    elif change == "as_of":
        run_once(as_of=as_of - pd.Timedelta(days=1))
    elif change == "data":  # same fingerprint, another loaded object
        run_once(data=SimpleNamespace(fingerprint="fp"))
    elif change == "fingerprint":
        run_once(data=SimpleNamespace(fingerprint="fp2"))
    elif change == "code":
        monkeypatch.setattr(memo, "code_digest", lambda modules: "edited")
        run_once()
    assert len(calls) == 2
    memo.forget(sections.MEMO_NAME)
