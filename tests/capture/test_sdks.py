"""The real SDKs against ``needle serve``: PyPI's ``posthog`` (batch and sync modes, gzip on
and off) and npm's ``posthog-node``; every event they send lands in the lake once."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from posthog import Posthog

NODE = Path(__file__).parent / "node"
EVENTS = 25


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("sync_mode", [False, True], ids=["batch", "sync"])
def test_posthog_python(server: Any, token: str, lake: Callable[[Path], list[dict[str, Any]]],
                        until: Callable[..., bool], sync_mode: bool, gzip: bool) -> None:
    errors: list[Any] = []
    client = Posthog(token, host=server.url, sync_mode=sync_mode, gzip=gzip, flush_at=10,
                     max_retries=0, on_error=lambda e, batch: errors.append(e))
    for n in range(EVENTS):
        client.capture("task_created", distinct_id=f"user-{n % 5}",
                       properties={"n": n, "plan": "pro", "$set": {"email": f"u{n}@x.io"}})
    client.flush()
    client.shutdown()
    assert errors == []
    assert until(lambda: len(lake(server.root)) == EVENTS)
    rows = lake(server.root)
    assert sorted(json.loads(r["properties"])["n"] for r in rows) == list(range(EVENTS))
    assert {r["distinct_id"] for r in rows} == {f"user-{i}" for i in range(5)}
    assert json.loads(rows[0]["properties"])["$lib"] == "posthog-python"
    assert all("$set" in json.loads(r["properties"]) for r in rows)


def test_posthog_node(server: Any, token: str, lake: Callable[[Path], list[dict[str, Any]]],
                      until: Callable[..., bool]) -> None:
    node = shutil.which("node")
    if node is None or not (NODE / "node_modules" / "posthog-node").exists():
        pytest.fail("node and posthog-node are missing: `make install` installs them")
    done = subprocess.run([node, str(NODE / "send.mjs"), server.url, token, str(EVENTS)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert until(lambda: len(lake(server.root)) == EVENTS)
    rows = lake(server.root)
    assert sorted(json.loads(r["properties"])["n"] for r in rows) == list(range(EVENTS))
    assert json.loads(rows[0]["properties"])["$lib"] == "posthog-node"
