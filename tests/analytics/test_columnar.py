"""The columnar cache's fast paths equal the SQL plans on generated data, and are used."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks._analytics_data import FUNNEL, blocks
from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.duckdb import indexed as queries
from needle.analytics.engine import funnel_people, run
from needle.analytics.index import open_columns
from needle.analytics.specs import DateRange, FunnelQuery, RetentionQuery, Series, Step, TrendQuery
from needle.events.lake import EventLake

DATES = DateRange(date(2024, 1, 5), date(2024, 1, 25))


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    root = tmp_path_factory.mktemp("columnar")
    lake = EventLake(root / "lake")
    for block in blocks(30_000, 1_500, days=30, seed=3, block_users=1_500):
        lake.append(block)
    sql, cached = DuckDBEngine(lake.files()), DuckDBEngine(lake.files(), index_dir=root / "cache")
    yield sql, cached
    sql.close()
    cached.close()


QUERIES = [
    FunnelQuery(tuple(Step(s) for s in FUNNEL), 3 * 86400, dates=DATES),
    FunnelQuery((Step("visit"), Step("event_00"), Step("signup")), 3600, dates=DATES),
    FunnelQuery((Step("signup"), Step("visit")), 86400),
    FunnelQuery(tuple(Step(s) for s in FUNNEL), 3 * 86400, "strict", dates=DATES),
    RetentionQuery(Step("visit"), Step("signup"), "week", 4, dates=DATES),
    RetentionQuery(Step("signup"), Step("visit"), "day", 10, on_or_after=True, dates=DATES),
    RetentionQuery(Step("visit"), Step("purchase"), "month", 2),
    TrendQuery((Series(Step("visit"), "users"), Series(Step("signup"))), "day", DATES),
    TrendQuery((Series(Step("visit")),), "hour", DateRange(date(2024, 1, 7), date(2024, 1, 8))),
    TrendQuery((Series(Step("visit"), "users"),), "week", DATES, compare=True),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: type(q).__name__)
def test_fast_path_equals_sql(engines, query) -> None:
    sql, cached = engines
    ours, theirs = run(cached, query).to_json(), run(sql, query).to_json()
    for step in [*ours.get("steps", []), *theirs.get("steps", [])]:
        for key in ("average_seconds_to_convert", "median_seconds_to_convert"):
            step[key] = None if step[key] is None else round(step[key], 3)
    assert ours == theirs


def test_fast_path_is_taken(engines) -> None:
    _, cached = engines
    q = QUERIES[0]
    assert queries.run_funnel(cached.files, cached.columns, q, DATES.start, DATES.end) is not None
    assert (
        queries.run_funnel(
            cached.files, cached.columns, FunnelQuery((Step("a"), Step("a")), 60), DATES.start,
            DATES.end,
        )
        is None
    )
    sql_people = funnel_people(engines[0], q, 2)
    assert funnel_people(cached, q, 2) == sql_people and sql_people


def test_cache_is_rebuilt_when_the_lake_changes(tmp_path) -> None:
    lake = EventLake(tmp_path / "lake")
    first = next(blocks(2_000, 100, days=3, seed=1, block_users=100))
    lake.append(first)
    before = open_columns(tmp_path / "cache", lake.files())
    lake.append(next(blocks(2_000, 100, days=3, seed=2, block_users=100)))
    after = open_columns(tmp_path / "cache", lake.files())
    assert before.root != after.root and not before.root.exists()
    assert sum(b - a for a, b in after.names.values()) == lake.row_count()


@pytest.mark.parametrize("threads", [1, 3])
def test_funnel_answer_does_not_depend_on_threads(engines, threads) -> None:
    sql, cached = engines
    engine = DuckDBEngine(cached.files, threads=threads, index_dir=cached.index_dir)
    try:
        assert engine.columns is not None and engine.columns.threads == threads
        for q in QUERIES[:3]:
            assert run(engine, q).to_json() == run(cached, q).to_json()
        assert funnel_people(engine, QUERIES[0], 3) == funnel_people(sql, QUERIES[0], 3)
    finally:
        engine.close()
