"""Web benchmark: how long `needle serve` takes to render each page and JSON twin of the demo
workspace on the server, against the 300 ms target (p95).

``python -m benchmarks web [--smoke] [--repeat N] [--root DIR]``. The full run builds the
default demo (themes included) under benchmarks/.data/web-demo once and reuses it; ``--smoke``
builds a 1,000-user demo in a temporary folder. Every GET route the app's page routers declare
is requested through FastAPI's test client (in process: the time is the server's, from request
to full response body): once with the server's result cache emptied (the cold time: every query
runs), then N times (p50 and p95: the answers the cache holds, as a dashboard looked at again
gets them). A route whose path parameter has no example here is listed as skipped.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._demo import demo_workspace

TARGET_MS = 300.0
QUERIES = {
    "funnel": "events=signup,onboarding_completed,project_created,invite_sent&window=7d",
    "retention": "start-event=signup&return-event=any&period=week&periods=8",
    "trend": "events=task_completed&interval=day&measure=users",
    "stickiness": "event=task_completed",
    "lifecycle": "event=task_completed&interval=week",
    "paths": "event=signup",
    "sql": "sql=SELECT event, count(*) AS n FROM events GROUP BY event",
}
EXTRA = {"/evidence": ["query=crash&kind=ticket", "from=2026-07-01&to=2026-07-31&limit=0"]}
PAGE_ROUTES = (" page", " twin", " form")  # how page routes are named (not the APIs or files)
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def workspace(smoke: bool, root: Path | None) -> Path:
    return demo_workspace("web", smoke, root)


def paths(get: Callable[[str], Any]) -> tuple[list[str], list[str]]:
    """Every page, twin and form path to time, and the routes skipped for want of an example.

    A path parameter takes the first id (or name) its list's twin shows: ``/goals/{id}`` the
    first of ``/goals.json``; query kinds take the options in QUERIES."""
    from fastapi.routing import APIRoute

    from needle.web.routes import ROUTERS

    found, skipped = [], []
    for router in ROUTERS:
        for route in router.routes:
            if not isinstance(route, APIRoute) or "GET" not in route.methods \
                    or not route.name.endswith(PAGE_ROUTES):
                continue
            filled = _fill(route.path, get)
            if filled is None:
                skipped.append(route.path)
            found += filled or []
    return found, skipped


def _fill(template: str, get: Callable[[str], Any]) -> list[str] | None:
    params = PARAM.findall(template)
    if not params:
        return [template] + [f"{template}?{q}" for q in EXTRA.get(template, [])]
    if params == ["kind"]:
        return [PARAM.sub(kind, template) + f"?{query}" for kind, query in QUERIES.items()]
    value = _first(get, template[:template.index("{")].rstrip("/") + ".json")
    return None if value is None or len(params) != 1 else [PARAM.sub(value, template)]


def _first(get: Callable[[str], Any], listing: str) -> str | None:
    """The id (or name) of the first item the list twin ``listing`` shows."""
    answer = get(listing)
    if answer.status_code != 200:
        return None
    data = answer.json()
    items = data if isinstance(data, list) else next(
        (v for v in data.values() if isinstance(v, list) and v), []) \
        if isinstance(data, dict) else []
    first = items[0] if items and isinstance(items[0], dict) else {}
    value = next((first[key] for key in ("id", "name", "goal") if key in first), None)
    return None if value is None else str(value)


def timed(get: Callable[[str], Any], path: str, repeat: int,
          forget: Callable[[], None]) -> tuple[int, float, list[float]]:
    """The first request with the server's result cache emptied (cold), then ``repeat`` more."""
    forget()
    start = time.perf_counter()
    status = get(path).status_code
    cold = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        status = max(status, get(path).status_code)
        times.append((time.perf_counter() - start) * 1000)
    return status, cold, times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 \
        else times[0]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.web")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--root", type=Path, default=None, help="a demo workspace to serve")
    args = parser.parse_args(argv)
    from fastapi.testclient import TestClient

    from needle.analytics.cache import ResultCache
    from needle.web import create_app

    root = workspace(args.smoke, args.root)
    repeat = 1 if args.smoke else args.repeat
    app = create_app(root)
    client = TestClient(app)

    def forget() -> None:
        app.state.results = ResultCache()

    found, skipped = paths(client.get)
    client.get(found[0])  # the process's first imports are not any page's time
    rows = [(path, *timed(client.get, path, repeat, forget)) for path in found]
    print(f"{'path':<72} {'status':>6} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p95/300ms':>9}")
    for path, status, cold, times in rows:
        shown = path if len(path) <= 72 else path[:69] + "..."
        worst = p95(times)
        print(f"{shown:<72} {status:>6} {cold:>8.1f} {statistics.median(times):>8.1f} "
              f"{worst:>8.1f} {worst / TARGET_MS:>9.2f}")
    slow = [path for path, _, _, times in rows if p95(times) > TARGET_MS]
    cold_slow = [path for path, _, cold, _ in rows if cold > TARGET_MS]
    failed = [path for path, status, _, _ in rows if status != 200]
    print(f"{len(rows)} paths, {repeat} requests each on {root}: {len(slow)} over the "
          f"{TARGET_MS:.0f} ms target at p95" + (f" ({', '.join(slow)})" if slow else "")
          + f"; {len(cold_slow)} over it on the first request with an empty result cache"
          + (f" ({', '.join(cold_slow)})" if cold_slow else "")
          + (f"; not 200: {', '.join(failed)}" if failed else "")
          + (f"; skipped (no example): {', '.join(skipped)}" if skipped else ""))
    if args.smoke and failed:
        raise SystemExit(f"pages failed: {failed}")
