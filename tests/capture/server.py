"""``needle serve`` in a subprocess on a loopback port, and reading what reached the lake."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from needle.events.lake import EventLake
from tests.serving import free_port


class Server:
    """``needle -w ROOT serve`` on 127.0.0.1:``port``, as its own process."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = root
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "needle", "-w", str(self.root), "serve", "--port",
             str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode() if self.process.stderr
                                   else "the server ended")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """``kill -9``: no shutdown of any kind."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()

    def stop(self) -> None:
        """Ctrl-C, as a person stops it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()


def lake_rows(root: Path) -> list[dict[str, Any]]:
    """Every event in the workspace's lake, as dicts."""
    files = EventLake(root / ".needle" / "events").files()
    return pq.read_table([str(f) for f in files]).to_pylist() if files else []


def wait_for(check: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()
