"""The conda environment lists exactly the pins of the lock file that `make setup` installs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "environment_yml", ROOT / ".ci" / "environment_yml.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_environment_yml_has_exactly_the_lock_pins():
    generator = _load_generator()
    lock_pins = dict(generator.read_pins(ROOT / "requirements.lock"))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = dict(
        re.match(r"([^=]+)==(.+)", line).groups() for line in pip_section if "==" in line
    )
    assert env_pins == lock_pins
    assert len(lock_pins) > 50  # the whole resolved tree, not just direct dependencies


def test_every_direct_dependency_is_pinned_with_hashes():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    direct = re.findall(r'^\s+"([A-Za-z0-9_\-]+)[><=]', pyproject, flags=re.M)
    assert direct, "no dependencies parsed from pyproject.toml"
    for name in direct:
        assert re.search(
            rf"^{re.escape(name.lower())}==\S+ \\\n\s+--hash=sha256:", lock, flags=re.M
        ), name


def test_ci_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make report" in readme
    assert "make test" in ci
