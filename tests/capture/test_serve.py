"""``needle serve`` as people start it: a second server on a workspace, a port in use and an
address that does not resolve are one-line errors before anything is announced; port 0 serves
on a free port and says which."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from needle.workspace import Workspace
from tests.capture.server import Server
from tests.serving import free_port


@pytest.fixture
def root(tmp_path: Path) -> Path:
    Workspace.init(tmp_path / "ws").close()
    return tmp_path / "ws"


def serve(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "needle", "-w", str(root), "serve", *args],
                          capture_output=True, text=True, timeout=60)


def test_a_second_server_on_the_workspace_is_refused_in_one_line(root: Path) -> None:
    first = Server(root).start()
    try:
        second = serve(root, "--port", str(free_port()))
    finally:
        first.stop()
    assert second.returncode == 1
    assert second.stderr == (f"error: {root / '.needle' / 'capture'}: another Needle server "
                             "captures events for this workspace\n")


@pytest.mark.parametrize(("host", "reason"), [("127.0.0.1", "Address already in use"),
                                              ("nohost.invalid", "")])
def test_a_port_it_cannot_listen_on_is_one_line_and_frees_the_workspace(
        root: Path, tmp_path: Path, host: str, reason: str) -> None:
    Workspace.init(tmp_path / "other").close()
    holder = Server(tmp_path / "other").start()
    try:
        refused = serve(root, "--host", host, "--port", str(holder.port))
    finally:
        holder.stop()
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot listen on {host}:")
    assert reason in lines[0] and "Traceback" not in refused.stderr
    Server(root).start().stop()  # the capture log was let go


def test_port_zero_serves_on_a_free_port_and_names_it(root: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "needle", "-w", str(root), "serve",
                                "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
        assert found is not None and int(found.group(1)) > 0, banner
        port = int(found.group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/.json", timeout=30) as answer:
            assert answer.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == 0  # Ctrl-C is the way to stop it, not a failure
