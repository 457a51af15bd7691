"""`make lab`: JupyterLab on the `redcat` kernel, notebooks/ as root, autoreload on.

Starts the server exactly as `make lab` does (`python -m redcat.lab`) on a loopback port with a
token, and through its REST API and a kernel's websocket channel checks: the `redcat` kernel is
listed and is the default, it starts, `redcat` imports in it, autoreload picks up an edited
module, and the data-overview notebook runs cell by cell on a small world. Then the server is
shut down through the API and must exit cleanly.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from redcat.config import KERNEL_NAME, NOTEBOOKS_DIR
from redcat.lab import AUTORELOAD_ENV

pytestmark = pytest.mark.slow

START_TIMEOUT = 60.0
NOTEBOOK = "01_data_overview.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    def __init__(self, port: int, token: str, log_file: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = token
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def request(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(method, self.url(path), headers=headers, timeout=30, **kw)
        response.raise_for_status()
        return response

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    server = LabServer(_free_port(), uuid.uuid4().hex, folder / "server.log")
    env = {k: v for k, v in os.environ.items() if k != AUTORELOAD_ENV}  # make lab sets it
    env["JUPYTER_RUNTIME_DIR"] = str(folder / "runtime")
    env["JUPYTER_CONFIG_DIR"] = str(folder / "config")  # no user settings leak in
    port = server.base.rsplit(":", 1)[1]
    command = [
        sys.executable,
        "-m",
        "redcat.lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={server.token}",
    ]
    with server.log_file.open("wb") as log:
        server.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert server.process.poll() is None, f"JupyterLab exited:\n{server.log()}"
            try:
                server.request("GET", "/api/status")
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, f"JupyterLab did not start:\n{server.log()}"
                time.sleep(0.25)
        yield server
    finally:
        if server.process.poll() is None:
            try:
                server.request("POST", "/api/shutdown")
                server.process.wait(timeout=20)
            except (requests.RequestException, subprocess.TimeoutExpired):
                server.process.kill()
                server.process.wait()


class KernelChannel:
    """A kernel's shell and iopub traffic over the server's websocket (Jupyter message spec)."""

    def __init__(self, server: LabServer, kernel_id: str) -> None:
        import websocket

        url = server.base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {server.token}"], timeout=60
        )
        self.session = uuid.uuid4().hex

    def execute(self, code: str) -> dict:
        """Run `code`; its reply status, stdout and displayed HTML/text, and any error."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "test",
            "session": self.session,
            "version": "5.3",
        }
        content = {"code": code, "silent": False, "store_history": True, "allow_stdin": False}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
        self.ws.send(json.dumps({**message, "channel": "shell"}))
        out = {"status": None, "stdout": "", "display": "", "error": None}
        idle = False
        while out["status"] is None or not idle:
            reply = json.loads(self.ws.recv())
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, body = reply["msg_type"], reply["content"]
            if kind == "execute_reply":
                out["status"] = body["status"]
            elif kind == "stream" and body["name"] == "stdout":
                out["stdout"] += body["text"]
            elif kind in ("display_data", "execute_result"):
                data = body["data"]
                out["display"] += data.get("text/html") or data.get("text/plain", "")
            elif kind == "error":
                out["error"] = f"{body['ename']}: {body['evalue']}"
            elif kind == "status" and body["execution_state"] == "idle":
                idle = True
        return out

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def kernel(lab):
    """A notebook session on the data-overview notebook, as JupyterLab opens it."""
    session = lab.request(
        "POST",
        "/api/sessions",
        json={"path": NOTEBOOK, "type": "notebook", "name": NOTEBOOK, "kernel": {}},
    ).json()
    channel = KernelChannel(lab, session["kernel"]["id"])
    yield session, channel
    channel.close()
    if lab.process.poll() is None:  # not shut down by the last test
        lab.request("DELETE", f"/api/sessions/{session['id']}")


def test_the_redcat_kernel_is_listed_and_is_the_default(lab):
    specs = lab.request("GET", "/api/kernelspecs").json()
    assert specs["default"] == KERNEL_NAME
    argv = specs["kernelspecs"][KERNEL_NAME]["spec"]["argv"]
    assert "--ext=redcat.lab" in argv


def test_the_notebooks_folder_is_the_root(lab):
    listed = lab.request("GET", "/api/contents").json()
    names = {item["name"] for item in listed["content"]}
    assert {p.name for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")} <= names


def test_a_notebook_session_starts_the_redcat_kernel_with_the_package(kernel):
    session, channel = kernel
    assert session["kernel"]["name"] == KERNEL_NAME  # the notebook's kernel, no prompt
    out = channel.execute("import redcat, sys; print(redcat.__file__); print(sys.executable)")
    assert out["status"] == "ok", out
    package_file, python = out["stdout"].split()
    assert Path(package_file) == Path(__import__("redcat").__file__)  # the editable checkout
    assert Path(python).parent == Path(sys.executable).parent  # the project's venv


def test_autoreload_picks_up_an_edited_module(kernel, tmp_path):
    _, channel = kernel
    module = tmp_path / "rc_autoreload_probe.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    out = channel.execute(
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import rc_autoreload_probe; "
        "print(rc_autoreload_probe.VALUE, sorted(get_ipython().extension_manager.loaded))"
    )
    assert out["status"] == "ok", out
    assert out["stdout"].startswith("1 ") and "IPython.extensions.autoreload" in out["stdout"]
    module.write_text("VALUE = 2\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(module, (later, later))  # a newer mtime even on a coarse clock
    out = channel.execute("print(rc_autoreload_probe.VALUE)")
    assert out["status"] == "ok" and out["stdout"].strip() == "2", out


def test_the_data_overview_notebook_runs_in_the_lab_kernel(lab, kernel, small_world):
    _, channel = kernel
    cells = lab.request("GET", f"/api/contents/{NOTEBOOK}").json()["content"]["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    # As papermill would: the parameters cell, then the run's values, then every cell in order.
    sources = [code[0]["source"], f"data_dir = {str(small_world)!r}\nlanguage = 'en'"]
    shown = ""
    for source in sources + [c["source"] for c in code[1:]]:
        out = channel.execute(source)
        assert out["status"] == "ok" and out["error"] is None, (source[:200], out)
        shown += out["display"]
    notes = len(__import__("pandas").read_parquet(small_world / "notes.parquet"))
    assert notes == 4_000
    assert shown.count("<svg") >= 4 and 'class="rc-table"' in shown
    assert f"{notes:,}" in shown  # the overview counts the world's notes


def test_the_server_shuts_down_cleanly(lab, kernel):
    session, channel = kernel
    channel.close()
    lab.request("DELETE", f"/api/sessions/{session['id']}")
    assert lab.request("GET", "/api/kernels").json() == []
    lab.request("POST", "/api/shutdown")
    assert lab.process.wait(timeout=20) == 0, lab.log()


def test_papermill_kernels_run_without_autoreload(monkeypatch):
    """`redcat run` starts the same kernel outside JupyterLab: code stays as loaded."""
    from jupyter_client.manager import start_new_kernel

    monkeypatch.delenv(AUTORELOAD_ENV, raising=False)
    printed: list[str] = []

    def keep_stdout(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            printed.append(msg["content"]["text"])

    manager, client = start_new_kernel(kernel_name=KERNEL_NAME)
    try:
        reply = client.execute_interactive(
            "print(*sorted(get_ipython().extension_manager.loaded))",
            timeout=30,
            output_hook=keep_stdout,
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    loaded = "".join(printed).split()
    assert "redcat.lab" in loaded  # the kernel spec's extension ran, and did nothing
    assert "IPython.extensions.autoreload" not in loaded
