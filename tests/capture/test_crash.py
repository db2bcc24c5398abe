"""``kill -9`` of ``needle serve`` under a bounded loopback load: after a restart on the same port
every acknowledged event is in the lake exactly once. Repeated on one workspace."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from tests.capture.server import Server, lake_rows, wait_for

TRIALS = 3
SENDERS = 8
MAX_REQUESTS = 4000  # per trial, all senders together
MAX_SECONDS = 3.0


class Load:
    """Senders posting small batches until the server dies, the count or the time is up."""

    def __init__(self, server: Server, token: str, first: int) -> None:
        self.server, self.token = server, token
        self.next = first
        self.acked: list[int] = []
        self.sent = 0
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + MAX_SECONDS

    def numbers(self) -> list[int] | None:
        with self.lock:
            if self.sent >= MAX_REQUESTS or time.monotonic() > self.deadline:
                return None
            self.sent += 1
            size = random.choice((1, 1, 5))
            self.next += size
            return list(range(self.next - size, self.next))

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        while (numbers := self.numbers()) is not None:
            batch = [{"event": "load", "distinct_id": f"u{n % 50}", "properties": {"n": n},
                      **({"uuid": str(uuid.uuid4())} if n % 2 else {})} for n in numbers]
            try:
                connection.request("POST", "/batch/", json.dumps(
                    {"api_key": self.token, "batch": batch}), {"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                return  # the server is gone
            if answer.status == 200:
                with self.lock:
                    self.acked += numbers
        connection.close()


def _counts(root: Path) -> Counter[int]:
    return Counter(json.loads(r["properties"])["n"] for r in lake_rows(root))


def test_kill_9_loses_and_duplicates_nothing(root: Path, token: str) -> None:
    server, acked, report = Server(root).start(), [], []
    first = 0
    try:
        for trial in range(TRIALS):
            load = Load(server, token, first)
            senders = [threading.Thread(target=load.run) for _ in range(SENDERS)]
            for sender in senders:
                sender.start()
            time.sleep(random.uniform(0.5, 1.5))
            server.kill()
            for sender in senders:
                sender.join()
            acked += load.acked
            first = load.next
            server = Server(root, server.port).start()  # the same port: nothing holds it
            wanted = set(acked)
            assert wait_for(lambda: wanted <= set(_counts(root)), timeout=15)  # noqa: B023
            counts = _counts(root)
            report.append({"trial": trial, "requests": load.sent, "acked": len(load.acked),
                           "lost": len(set(acked) - set(counts)),
                           "duplicated": sum(1 for c in counts.values() if c > 1)})
    finally:
        server.stop()
    print("kill -9 trials:", report)
    counts = _counts(root)
    assert all(r["acked"] > 0 for r in report)
    assert [n for n in acked if counts[n] != 1] == []
    assert [n for n, c in counts.items() if c > 1] == []
