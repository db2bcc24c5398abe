"""Capture throughput: events accepted per second by ``needle serve``, with p50/p99 latency.

Two loads, each from C keep-alive connections on loopback: single-event requests to ``/i/v0/e/``
and ``/batch/`` requests of 100 events. Each load runs at several values of C (default 4, 8 and
32): once the server is saturated, more connections only queue, so the latency a client sees
grows with C while the throughput stays; the table shows both sides of that curve against the
goals (at least 5,000 single requests/s and 100,000 batched events/s, p99 under 50 ms).

The server is one ``needle serve`` process; the client, in this process, has the other core. An
answer 200 means the request's events are in the write-ahead log and fsynced (fdatasync, group
commit: one fsync covers every request that arrived while the previous one ran); the run ends by
waiting until every event is in the lake.

The peer is uvicorn serving a no-op ASGI app (answers 200, stores nothing), measured in the same
run: the floor for any Python server on this machine.

    python -m benchmarks capture [--requests N] [--batches N] [--connections C,C,...] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from needle.workspace import Workspace

NOOP = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"12")]})
    await send({"type": "http.response.body", "body": b'{"status":1}'})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


GOALS = {"single": 5_000, "batch100": 100_000}  # events/s
GOAL_P99 = 50.0  # ms


@dataclass(frozen=True)
class Run:
    requests: int
    events: int
    seconds: float
    latencies: list[float]
    warm_up_events: int = 0  # sent before the measured run, stored all the same

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{command[:3]} did not start")


def request(path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def connection(port: int, message: bytes, count: int, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(count):
        began = time.perf_counter()
        writer.write(message)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode())
        latencies.append(time.perf_counter() - began)
    writer.close()
    await writer.wait_closed()


def load(port: int, message: bytes, requests: int, connections: int, events: int) -> Run:
    latencies: list[float] = []

    async def go() -> float:
        each, extra = divmod(requests, connections)
        began = time.perf_counter()
        await asyncio.gather(*(connection(port, message, each + (i < extra), latencies)
                               for i in range(connections)))
        return time.perf_counter() - began

    seconds = asyncio.run(go())
    return Run(requests, requests * events, seconds, latencies)


def messages(token: str) -> dict[str, tuple[bytes, int]]:
    event = {"event": "task_created", "distinct_id": "user-42",
             "properties": {"$lib": "bench", "plan": "pro", "task": 7, "$current_url": "/tasks"}}
    batch = {"api_key": token, "batch": [{**event, "distinct_id": f"user-{i}"} for i in range(100)]}
    return {"single": (request("/i/v0/e/", json.dumps({**event, "token": token}).encode()), 1),
            "batch100": (request("/batch/", json.dumps(batch).encode()), 100)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks capture")
    parser.add_argument("--requests", type=int, default=30_000, help="single-event requests")
    parser.add_argument("--batches", type=int, default=3_000, help="/batch requests of 100")
    parser.add_argument("--connections", default="4,8,32",
                        help="keep-alive connections, one run per value (comma-separated)")
    parser.add_argument("--smoke", action="store_true", help="300 requests, 30 batches")
    args = parser.parse_args(argv)
    sizes = {"single": 300, "batch100": 30} if args.smoke else \
        {"single": args.requests, "batch100": args.batches}
    connections = [4] if args.smoke else [int(c) for c in args.connections.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        with Workspace.init(root) as workspace:
            token, lake = workspace.project_token, workspace.lake
        port, peer_port = free_port(), free_port()
        server = start([sys.executable, "-m", "needle", "-w", str(root), "serve", "--port",
                        str(port)], port)
        peer = start([sys.executable, "-c", NOOP, str(peer_port)], peer_port)
        try:
            rows = bench(port, peer_port, messages(token), sizes, connections)
            began = time.perf_counter()
            total = sum(r.events + r.warm_up_events for r, _ in rows.values())
            while lake.row_count() < total and time.perf_counter() - began < 60:
                time.sleep(0.05)
            in_lake = time.perf_counter() - began
            stored = lake.row_count()
        finally:
            for process in (server, peer):
                process.terminate()
                process.wait(30)
    report(rows, stored, total, in_lake)


def bench(port: int, peer_port: int, loads: dict[str, tuple[bytes, int]], sizes: dict[str, int],
          connections: list[int]) -> dict[tuple[str, int], tuple[Run, Run]]:
    rows = {}
    for name, (message, events) in loads.items():
        for c in connections:
            warm = load(port, message, max(sizes[name] // 10, c), c, events)
            ours = load(port, message, sizes[name], c, events)
            ours = Run(ours.requests, ours.events, ours.seconds, ours.latencies, warm.events)
            load(peer_port, message, max(sizes[name] // 10, c), c, events)
            rows[name, c] = (ours, load(peer_port, message, sizes[name], c, events))
    return rows


def report(rows: dict[tuple[str, int], tuple[Run, Run]], stored: int, total: int,
           in_lake: float) -> None:
    print(f"needle serve (one process) on 127.0.0.1, {os.cpu_count()} cores shared with the "
          "client; fsync policy: every 200 follows an fdatasync of the write-ahead log (group "
          "commit)")
    print("peer: uvicorn with a no-op ASGI app (answers 200, stores nothing), same run; "
          "ratio = needle req/s / peer req/s")
    print(f"{'load':<9} {'conns':>5} {'requests':>9} {'req/s':>8} {'events/s':>10} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'peer req/s':>11} {'ratio':>6}  goal")
    for (name, c), (ours, peer) in rows.items():
        rate, p99 = ours.events / ours.seconds, ours.percentile(0.99)
        met = "met" if rate >= GOALS[name] and p99 < GOAL_P99 else "missed"
        print(f"{name:<9} {c:>5} {ours.requests:>9,} {ours.requests / ours.seconds:>8,.0f} "
              f"{rate:>10,.0f} {ours.percentile(0.5):>7.2f} {p99:>7.2f} "
              f"{peer.requests / peer.seconds:>11,.0f} {peer.seconds / ours.seconds:>6.2f}  {met}")
    print(f"goals: >= {GOALS['single']:,} single requests/s, >= {GOALS['batch100']:,} batched "
          f"events/s, p99 < {GOAL_P99:g} ms")
    print(f"in the lake: {stored:,} of {total:,} events (warm-up included), "
          f"{in_lake:.1f} s after the last 200")
