"""The event index's answers to filtered, broken-down and "any event" queries equal the SQL
plans' on generated events with properties (nulls, numbers stored as text, values that are not
numbers, ties in time, people with one event), and the index does answer them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from needle.analytics.duckdb import DuckDBEngine, cached, indexed_funnel, indexed_strict, streams
from needle.analytics.engine import funnel_people, run, with_dates
from needle.analytics.specs import (
    DateRange,
    Exclusion,
    FunnelQuery,
    LifecycleQuery,
    PropertyFilter,
    Query,
    RetentionQuery,
    Series,
    Step,
    StickinessQuery,
    TrendQuery,
)
from needle.events.lake import EventLake
from needle.events.schema import EVENT_SCHEMA

NAMES = ("view", "signup", "pay", "share")
DATES = DateRange(date(2024, 1, 3), date(2024, 2, 20))
EMPTY = DateRange(date(2023, 5, 1), date(2023, 5, 9))


def _properties(rng: np.random.Generator, n: int) -> list[str]:
    plans = ["free", "pro", "team", None]
    out = []
    for _ in range(n):
        p: dict[str, Any] = {}
        plan = plans[rng.integers(0, 4)]
        if plan is not None:
            p["plan"] = plan
        p["country"] = f"c{int(rng.zipf(1.6)) % 17:02d}"
        amount = rng.integers(0, 6)
        if amount < 4:
            p["amount"] = int(rng.integers(1, 50))
        elif amount == 4:
            p["amount"] = "n/a"  # not a number: counts as absent
        out.append(json.dumps(p))
    return out


def _events(seed: int = 5, users: int = 400) -> pa.Table:
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 40, users)
    counts[:20] = 1  # people with a single event
    owner = np.repeat(np.arange(users), counts)
    base = np.repeat(rng.integers(0, 60 * 86400, users), counts)
    seconds = np.minimum(base + rng.exponential(6 * 86400, len(owner)).astype(np.int64),
                         70 * 86400)
    tie = rng.random(len(owner)) < 0.3
    seconds[tie] = seconds[tie] // 3600 * 3600  # on the hour: ties in time
    names = rng.choice(len(NAMES), len(owner), p=[0.5, 0.2, 0.15, 0.15])
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    return pa.table({
        "uuid": [f"e{i}" for i in range(len(owner))],
        "event": [NAMES[i] for i in names],
        "distinct_id": [f"u{u:04d}" for u in owner],
        "timestamp": pa.array((start + seconds) * 1_000_000, pa.timestamp("us", tz="UTC")),
        "properties": _properties(rng, len(owner)),
    }).cast(EVENT_SCHEMA)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    root = tmp_path_factory.mktemp("shapes")
    lake = EventLake(root / "lake")
    lake.append(_events())
    sql = DuckDBEngine(lake.files())
    index = DuckDBEngine(lake.files(), index_dir=root / "cache")
    yield sql, index
    sql.close()
    index.close()


PRO = PropertyFilter("plan", "=", "pro")
NOT_FREE = PropertyFilter("plan", "!=", "free")
BIG = PropertyFilter("amount", ">", "20")
SOUTH = PropertyFilter("country", "~", "C0")
HAS_PLAN = PropertyFilter("plan", "set")
NO_PLAN = PropertyFilter("plan", "not_set")
FUNNEL = (Step("view"), Step("signup"), Step("pay"))

QUERIES: list[Query] = [
    RetentionQuery(Step("view"), Step(None), "week", 6, dates=DATES),
    RetentionQuery(Step("share"), Step(None), "day", 10, dates=DATES),
    RetentionQuery(Step("pay", (BIG,)), Step(None), "month", 2, dates=DATES),
    RetentionQuery(Step("signup"), Step(None), "week", 5, on_or_after=True, dates=DATES),
    RetentionQuery(Step("view"), Step(None), "week", 4, dates=EMPTY),
    RetentionQuery(Step("view", (PRO,)), Step("pay"), "week", 6, dates=DATES),
    RetentionQuery(Step("view"), Step("pay"), "week", 6, filters=(NOT_FREE,), dates=DATES),
    FunnelQuery(FUNNEL, 7 * 86400, filters=(PRO,), dates=DATES),
    FunnelQuery((Step("view", (HAS_PLAN,)), Step("signup"), Step("pay", (BIG,))), 86400 * 5,
                dates=DATES),
    FunnelQuery((Step("view", (SOUTH,)), Step("share", (NO_PLAN,))), 3 * 86400, dates=DATES),
    FunnelQuery(FUNNEL, 7 * 86400, breakdown="plan", dates=DATES),
    FunnelQuery(FUNNEL, 7 * 86400, breakdown="country", filters=(NOT_FREE,), dates=DATES),
    FunnelQuery(FUNNEL, 7 * 86400, filters=(PRO,), dates=EMPTY),
    FunnelQuery(FUNNEL, 2 * 86400, exclusions=(Exclusion(Step("share"), 1, 2),), dates=DATES),
    FunnelQuery(FUNNEL, 5 * 86400, exclusions=(Exclusion(Step("share", (NO_PLAN,))),
                                               Exclusion(Step("view"), 2, 3)),
                breakdown="plan", dates=DATES),
    FunnelQuery(FUNNEL, 3 * 86400, "unordered", dates=DATES),
    FunnelQuery(FUNNEL, 7 * 86400, "strict", dates=DATES),
    FunnelQuery((Step("view"), Step("view"), Step("signup"), Step("view")), 2 * 86400, "strict",
                dates=DATES),
    FunnelQuery((Step("signup"), Step("pay")), 3600, "strict", dates=DATES),
    FunnelQuery((Step("share"), Step("nothing")), 86400, "strict", dates=DATES),
    FunnelQuery(FUNNEL, 7 * 86400, "strict", dates=EMPTY),
    FunnelQuery((Step("view"), Step("nothing", (PRO,))), 3600, breakdown="plan", dates=DATES),
    FunnelQuery((Step("pay", (BIG,)), Step("share"), Step("signup")), 86400, "unordered",
                filters=(NOT_FREE,), dates=DATES),
    TrendQuery((Series(Step(None)), Series(Step(None), "users")), "week", DATES),
    TrendQuery((Series(Step(None)),), "hour", DateRange(date(2024, 1, 9), date(2024, 1, 10))),
    TrendQuery((Series(Step("view"), "users"),), "day", DATES, breakdown="country",
               breakdown_limit=4),
    TrendQuery((Series(Step("view")),), "week", DATES, breakdown="plan"),
    TrendQuery((Series(Step("pay"), "sum", "amount"), Series(Step("pay"), "avg", "amount")),
               "week", DATES, filters=(HAS_PLAN,)),
    TrendQuery((Series(Step("pay"), "min", "amount"), Series(Step("pay"), "max", "amount")),
               "day", DATES, breakdown="plan"),
    TrendQuery((Series(Step("signup"), "users"), Series(Step("view"), "users")), "week", DATES,
               formula="A / B", compare=True),
    TrendQuery((Series(Step("pay"), "sum", "amount"),), "month", DATES, breakdown="country",
               breakdown_limit=3, formula="A * 2"),
    TrendQuery((Series(Step("view", (BIG,))),), "day", EMPTY),
    TrendQuery((Series(Step("nothing", (PRO,)), "sum", "amount"), Series(Step("view", (PRO,)))),
               "week", DATES, breakdown="plan"),
    StickinessQuery(Step(None), "day", DATES),
    StickinessQuery(Step("pay", (BIG,)), "week", DATES),
    StickinessQuery(Step("view"), "hour", DateRange(date(2024, 1, 9), date(2024, 1, 10))),
    StickinessQuery(Step(None), "month", EMPTY),
    LifecycleQuery(Step(None), "week", DATES),
    LifecycleQuery(Step("signup"), "day", DATES, filters=(NOT_FREE,)),
    LifecycleQuery(Step("view"), "month", DATES),
    LifecycleQuery(Step("share"), "hour", DateRange(date(2024, 1, 20), date(2024, 1, 21))),
    LifecycleQuery(Step(None), "day", EMPTY),
]


def _rounded(value: Any) -> Any:
    """Sums of doubles may differ in the last bits with the order they are added in."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: type(q).__name__)
def test_index_equals_sql(engines, query: Query) -> None:
    sql, index = engines
    fast = cached.FAST[type(query)]
    assert index.columns is not None
    assert fast(index, index.columns, with_dates(index, query)) is not None  # the index answers
    assert _rounded(run(index, query).to_json()) == _rounded(run(sql, query).to_json())


def test_the_data_exercise_the_shapes(engines) -> None:
    sql, _ = engines
    funnels = [q for q in QUERIES if isinstance(q, FunnelQuery)]
    trends = [q for q in QUERIES if isinstance(q, TrendQuery)]
    broken = run(sql, next(q for q in funnels if q.breakdown == "country"))
    assert len(broken.breakdown) > 3 and broken.steps[2].users > 0
    pairs = [(run(sql, replace(q, exclusions=())).steps[-1].users, run(sql, q).steps[-1].users)
             for q in funnels if q.exclusions]
    assert all(a > b > 0 for a, b in pairs)  # exclusions void some attempts, not all
    other = run(sql, next(q for q in trends if q.breakdown_limit == 4))
    assert any(s.breakdown == "$other" for s in other.series)
    points = [p.value for q in trends for s in run(sql, q).series if s.label == "pay"
              for p in s.points]
    assert any(points) and None in points


@pytest.mark.parametrize("step", [1, 2, 3])
@pytest.mark.parametrize("q", [
    FunnelQuery((Step("view", (HAS_PLAN,)), Step("signup"), Step("pay", (BIG,))), 86400 * 5,
                dates=DATES),
    FunnelQuery(FUNNEL, 2 * 86400, exclusions=(Exclusion(Step("share"), 1, 2),), dates=DATES),
    FunnelQuery(FUNNEL, 3 * 86400, "unordered", dates=DATES),
    FunnelQuery((Step("view"), Step("signup"), Step("view")), 3 * 86400, "strict", dates=DATES),
], ids=["filtered", "excluded", "unordered", "strict"])
def test_funnel_people_equal_sql(engines, q: FunnelQuery, step: int) -> None:
    sql, index = engines
    assert funnel_people(index, q, step) == funnel_people(sql, q, step)
    assert funnel_people(index, q, step, dropped=False) == funnel_people(sql, q, step, False)


@pytest.mark.parametrize(("module", "size", "q"), [
    (indexed_strict, "CHUNK", FunnelQuery((Step("view"), Step("view"), Step("signup")), 86400,
                                          "strict", dates=DATES)),
    (indexed_funnel, "UNORDERED_CHUNK", FunnelQuery(FUNNEL, 3 * 86400, "unordered",
                                                    dates=DATES)),
], ids=["strict", "unordered"])
def test_funnels_in_small_parts_equal_sql(engines, monkeypatch, module, size: str,
                                          q: FunnelQuery) -> None:
    """People followed a few at a time (parts cut between people) give the same answers."""
    sql, index = engines
    monkeypatch.setattr(module, size, 7)
    assert _rounded(run(index, q).to_json()) == _rounded(run(sql, q).to_json())


@pytest.mark.parametrize("query", [
    FunnelQuery(FUNNEL, 86400, filters=(PropertyFilter("plan", "=", "pro", person=True),)),
    FunnelQuery(FUNNEL, 86400, mode="strict", filters=(PRO,)),
    FunnelQuery((Step("view", (PRO,)), Step("signup")), 86400, mode="strict"),
    FunnelQuery(FUNNEL, 86400, mode="strict", breakdown="plan"),
    TrendQuery((Series(Step("pay"), "median", "amount"),), "day", DATES),
    TrendQuery((Series(Step(None)),), "day", DATES, breakdown="plan"),
], ids=str)
def test_other_shapes_are_left_to_sql(engines, query: Query) -> None:
    _, index = engines
    assert cached.FAST[type(query)](index, index.columns, with_dates(index, query)) is None


def test_hot_properties_follow_an_import(tmp_path) -> None:
    """After an import that extends the index, the saved values take in the added files' rows
    (with values they had not seen) and answers still equal SQL's."""
    lake = EventLake(tmp_path / "lake")
    events = _events(seed=9, users=120)
    half = events.num_rows // 2
    lake.append(events.slice(0, half))
    queries = [FunnelQuery(FUNNEL, 7 * 86400, filters=(NOT_FREE,), breakdown="country"),
               TrendQuery((Series(Step("pay"), "sum", "amount"),), "week", breakdown="plan")]
    before = DuckDBEngine(lake.files(), index_dir=tmp_path / "cache")
    assert [run(before, q).to_json() is not None for q in queries] == [True, True]
    assert before.columns is not None
    lineage = before.columns.lineage
    before.close()
    later = events.slice(half).set_column(
        4, "properties", pa.array(['{"plan": "enterprise", "country": "zz", "amount": 7}']
                                  * (events.num_rows - half)))
    lake.append(later)
    sql = DuckDBEngine(lake.files())
    index = DuckDBEngine(lake.files(), index_dir=tmp_path / "cache")
    try:
        assert index.columns is not None and index.columns.lineage == lineage  # extended
        for q in queries:
            assert cached.FAST[type(q)](index, index.columns, with_dates(index, q)) is not None
            assert _rounded(run(index, q).to_json()) == _rounded(run(sql, q).to_json())
        assert "enterprise" in json.dumps(run(index, queries[1]).to_json())
    finally:
        sql.close()
        index.close()


@pytest.mark.parametrize("query", [q for q in QUERIES if isinstance(q, RetentionQuery)
                                   or (isinstance(q, TrendQuery) and q.breakdown)],
                         ids=lambda q: type(q).__name__)
def test_counts_by_slices_of_people_equal_sql(engines, monkeypatch, query: Query) -> None:
    """Retention and broken-down trends count a slice of people at a time; slices of a few
    dozen rows (a person never split) give the SQL plans' answers."""
    sql, index = engines
    monkeypatch.setattr(streams, "PEOPLE_SLICE", 37)
    uid = np.repeat(np.arange(30), 5)
    slices = streams.people_slices(uid)
    assert len(slices) > 3 and all(uid[a] != uid[a - 1] for a, _ in slices[1:])
    assert _rounded(run(index, query).to_json()) == _rounded(run(sql, query).to_json())


def test_long_columns_are_coded_in_halves_alike(monkeypatch) -> None:
    """Values met in either half (and nulls) get one code each, into one dictionary."""
    from needle.analytics.index import flags

    values = pa.chunked_array([["b", None, "a", "b"], ["c", "a", None, "d", "b", "e"]])
    monkeypatch.setattr(flags, "PARALLEL_ROWS", 2)
    codes, dictionary = flags.codes(values)
    assert len(dictionary) == len(set(dictionary)) == 5
    assert [None if c < 0 else dictionary[c] for c in codes] == values.to_pylist()
