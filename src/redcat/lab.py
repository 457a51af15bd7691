"""JupyterLab for working on the report notebooks: the `redcat` kernel, autoreload on.

`make lab` runs `python -m redcat.lab`: JupyterLab with notebooks/ as its root, the `redcat`
kernel as the default, and `REDCAT_AUTORELOAD=1` in its environment, which the kernels it
starts inherit. The kernel spec (written by `make setup` through
`python -m redcat.lab --install-kernel`) loads this module as an IPython extension, which turns
on `%autoreload 2` only when that variable is set: in JupyterLab an edit under src/redcat takes
effect in the next cell; papermill runs (`redcat run`, the tests), which do not set it, run the
code as it was when the kernel started and skip autoreload's per-cell module scan.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from redcat.config import KERNEL_NAME, NOTEBOOKS_DIR

log = logging.getLogger(__name__)

AUTORELOAD_ENV = "REDCAT_AUTORELOAD"
EXTENSION = "redcat.lab"  # this module, as the kernel loads it
KERNEL_DISPLAY_NAME = "Python (redcat)"


def autoreload_wanted() -> bool:
    return os.environ.get(AUTORELOAD_ENV) == "1"


def load_ipython_extension(ipython) -> None:
    """Called by the kernel at start (`--ext=redcat.lab`): autoreload when JupyterLab asked."""
    if not autoreload_wanted():
        return
    ipython.run_line_magic("load_ext", "autoreload")
    ipython.run_line_magic("autoreload", "2")  # reload every changed module before each cell
    log.debug("autoreload 2 on")


def install_kernel(prefix: str | None = None) -> Path:
    """Install the `redcat` kernel spec into the environment (`--sys-prefix`), loading the
    extension above; returns the kernel.json path."""
    from ipykernel.kernelspec import install

    folder = Path(
        install(
            kernel_name=KERNEL_NAME,
            display_name=KERNEL_DISPLAY_NAME,
            prefix=prefix or sys.prefix,
        )
    )
    spec_file = folder / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    extension = f"--ext={EXTENSION}"
    if extension not in spec["argv"]:
        spec["argv"].append(extension)
    spec_file.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    log.info("installed kernel %r at %s", KERNEL_NAME, folder)
    return spec_file


def lab_command(extra_args: Sequence[str] = ()) -> list[str]:
    """The JupyterLab command line: notebooks/ as root, `redcat` the default kernel.

    As root (containers, CI machines) JupyterLab refuses to start unless told it may.
    """
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={NOTEBOOKS_DIR}",
        f"--MultiKernelManager.default_kernel_name={KERNEL_NAME}",
        *as_root,
        *extra_args,
    ]


def lab_environment() -> dict[str, str]:
    return {**os.environ, AUTORELOAD_ENV: "1"}


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m redcat.lab [jupyter lab options]`, or `--install-kernel`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--install-kernel"]:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        install_kernel()
        return 0
    command = lab_command(args)
    os.execve(command[0], command, lab_environment())  # replaces this process: no wrapper left
    return 0  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
