"""Spark folds funnels a whole Arrow batch at a time, carrying the person at a batch's end into
the next: with batches far smaller than one person's events, every funnel shape still answers
as the DuckDB engine's SQL plan does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from benchmarks._analytics_data import blocks
from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.engine import run
from needle.analytics.spark import SparkEngine
from needle.analytics.specs import DateRange, Exclusion, FunnelQuery, PropertyFilter, Step
from needle.events.lake import EventLake

DAYS = DateRange(date(2024, 1, 5), date(2024, 1, 25))
STEPS = (Step("visit"), Step("signup"), Step("activate"))
QUERIES = {
    "ordered": FunnelQuery(STEPS, 3 * 86400, dates=DAYS, breakdown="plan"),
    "strict": FunnelQuery(STEPS, 3 * 86400, "strict", DAYS),
    "unordered": FunnelQuery(STEPS, 3 * 86400, "unordered", DAYS, breakdown="plan"),
    "excluded": FunnelQuery(STEPS, 7 * 86400, dates=DAYS,
                            exclusions=(Exclusion(Step("event_01"), 1, 2),)),
    "filtered": FunnelQuery(STEPS, 7 * 86400, dates=DAYS,
                            filters=(PropertyFilter("plan", "!=", "free"),)),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    lake = EventLake(tmp_path_factory.mktemp("batches") / "lake")
    for block in blocks(6_000, 300, days=30, seed=11):
        lake.append(block)
    return lake.files()


@pytest.fixture(scope="module")
def spark(files: list[Path]) -> Iterator[SparkEngine]:
    engine = SparkEngine(files, master="local[2]")
    conf = engine.spark.conf
    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    before = conf.get(key)
    conf.set(key, "7")  # people here have about 20 events each
    yield engine
    conf.set(key, before)
    engine.close()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_small_batches_answer_as_duckdb(files: list[Path], spark: SparkEngine, name: str
                                        ) -> None:
    q = QUERIES[name]
    duck = DuckDBEngine(files)
    try:
        theirs = run(duck, q)
        ours = run(spark, q)
        assert ours == theirs
        assert theirs.steps[1].users > 0  # the data exercise the funnel
        people = spark.funnel_people(q, 2, dropped=False)
        assert people == duck.funnel_people(q, 2, dropped=False)
    finally:
        duck.close()
