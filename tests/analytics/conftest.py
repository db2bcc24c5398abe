"""Hand-made events in a real lake, and the engines the shared suite runs on.

Every test taking ``engine_for`` (or the oracle's ``engine``) runs on each engine of
:data:`ENGINES`. An engine's declared gaps are listed in :data:`GAPS` with the exception they
raise: such a test must raise it there (a strict expected failure), so a gap that closes, or
fails another way, fails the run. Spark runs ``local[2]`` in one session for the whole run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.engine import Engine, UnsupportedQuery
from needle.analytics.spark import SparkEngine
from needle.events.lake import EventLake
from needle.events.schema import EVENT_SCHEMA

Row = tuple  # (distinct_id, event, ISO time with offset[, properties dict])
ENGINES: dict[str, Callable[[list[Path], Path | None], Engine]] = {
    "duckdb": lambda files, _: DuckDBEngine(files),
    "duckdb-cached": lambda files, cache: DuckDBEngine(files, index_dir=cache),
    "spark": lambda files, _: SparkEngine(files, master="local[2]"),
}
# (engine, test name without parameters) -> what the test raises there.
GAPS: dict[tuple[str, str], type[Exception]] = {
    ("spark", "test_sql_reads_the_events_view"): UnsupportedQuery,
    ("spark", "test_sql_is_read_only"): UnsupportedQuery,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        for value in callspec.params.values():
            raises = GAPS.get((value, item.originalname)) if isinstance(value, str) else None
            if raises is not None:
                item.add_marker(pytest.mark.xfail(raises=raises, strict=True,
                                                  reason=f"{value} declares no such capability"))


def table(rows: list[Row]) -> pa.Table:
    """Rows as an event table; times are ISO strings with their offset, stored in UTC."""
    return pa.table(
        {
            "uuid": [f"e{i:06d}" for i in range(len(rows))],
            "event": [r[1] for r in rows],
            "distinct_id": [r[0] for r in rows],
            "timestamp": [datetime.fromisoformat(r[2]) for r in rows],
            "properties": [json.dumps(r[3] if len(r) > 3 else {}) for r in rows],
        }
    ).cast(EVENT_SCHEMA)


@pytest.fixture(params=sorted(ENGINES))
def engine_for(request, tmp_path: Path) -> Iterator[Callable[[list[Row]], Engine]]:
    """Builds an engine over a fresh lake holding ``rows``."""
    made: list[Engine] = []

    def build(rows: list[Row]) -> Engine:
        lake = EventLake(tmp_path / f"lake{len(made)}")
        if rows:
            lake.append(table(rows))
        made.append(ENGINES[request.param](lake.files(), tmp_path / "cache"))
        return made[-1]

    yield build
    for engine in made:
        engine.close()


def at(minutes: float, day: str = "2024-01-01") -> str:
    """An ISO time ``minutes`` after midnight UTC of ``day``."""
    base = datetime.fromisoformat(f"{day}T00:00:00+00:00")
    return (base + timedelta(minutes=minutes)).isoformat()


def ev(user: str, event: str, minutes: float, props: dict | None = None) -> Row:
    return (user, event, at(minutes), props or {})


H, D = 60, 24 * 60
