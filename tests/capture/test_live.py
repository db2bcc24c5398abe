"""While ``needle serve`` runs, other ``needle`` commands on the workspace work and see captured
events within 5 seconds of their 200; a restart after Ctrl-C finds the log empty."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.capture.server import Server


def needle(root: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "needle", "-w", str(root), *args],
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def send(server: Server, token: str, name: str) -> None:
    body = json.dumps({"api_key": token, "batch": [{"event": name, "distinct_id": "u1"}]})
    answer = urllib.request.urlopen(urllib.request.Request(
        f"{server.url}/batch/", body.encode(), {"Content-Type": "application/json"}), timeout=10)
    assert answer.status == 200


def count(root: Path, name: str) -> int:
    rows = json.loads(needle(root, "query", "sql",
                             f"SELECT count(*) AS n FROM events WHERE event = '{name}'",
                             "--json"))["rows"]
    return int(rows[0][0])


def test_other_commands_see_captured_events_within_5_seconds(server: Server, token: str) -> None:
    assert count(server.root, "first") == 0  # builds the event index while the server runs
    send(server, token, "first")
    acknowledged = time.monotonic()
    while count(server.root, "first") == 0:
        assert time.monotonic() - acknowledged < 5
        time.sleep(0.2)
    assert json.loads(needle(server.root, "events", "stats", "--json"))["events"] == 1


def test_ctrl_c_moves_the_log_into_the_lake(root: Path, token: str) -> None:
    server = Server(root).start()
    send(server, token, "late")
    server.stop()
    assert list((root / ".needle" / "capture").glob("wal-*.log")) == []
    assert count(root, "late") == 1
