"""Write environment.yml (for conda users) with exactly the pins of requirements.lock."""

from __future__ import annotations

import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\;]+)")


def read_pins(lock: Path) -> list[tuple[str, str]]:
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            pins.append((match.group(1).lower(), match.group(2)))
    return pins


def render(pins: list[tuple[str, str]]) -> str:
    lines = [
        "# Generated from requirements.lock by `make lock`; tests/test_environment.py keeps them in sync.",
        "name: redcat",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        *(f"      - {name}=={version}" for name, version in pins),
        "      - -e .",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render(read_pins(Path(sys.argv[1]))))
