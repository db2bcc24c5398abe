"""Conversion and count metrics from the columnar cache equal the SQL plan's, number for number."""

from __future__ import annotations

import json
import re
from dataclasses import astuple, fields
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.index.store import Columns, is_built, open_columns
from needle.analytics.specs import Exposure
from needle.demo.truth import TRUTH
from needle.errors import UserError
from needle.experiments.aggregate import Aggregated, aggregate
from needle.experiments.metrics import MetricDef, parse_metric

GENERATED_EXPOSURE = Exposure("$feature_flag_called", "$feature_flag_response",
                                  (("$feature_flag", "checkout-v2"),))
# the same exposures under a name of the team's own: read from the lake's JSON, not the cache
CUSTOM = "experiment_viewed"
CUSTOM_EXPOSURE = Exposure(CUSTOM, *astuple(GENERATED_EXPOSURE)[1:])
# windows of 0 days (events at the exposure instant), fractions of a day, none at all, and an
# event that never happens
GENERATED_METRICS = [parse_metric(s) for s in (
    "bought=conversion:purchase:7", "purchases=count:purchase:7", "all=count:purchase",
    "instant=conversion:$feature_flag_called:0", "hours=count:purchase:0.3",
    "ticket=conversion:support_ticket:14", "never=count:no_such_event:3",
    "exposures=count:$feature_flag_called", "back0=retention:purchase:0",
    "back1=retention:purchase:1", "back_half=retention:purchase:2.5",
    "back_late=retention:purchase:60", "revenue=sum:purchase:amount:7",
    "revenue_all=sum:purchase:amount", "revenue_hours=sum:purchase:amount:0.3",
    "not_a_number=sum:purchase:note:7", "missing=sum:purchase:no_such_property:7")]


def _indexed(files: list[Path], cache: Path) -> DuckDBEngine:
    return DuckDBEngine(files, index_dir=cache)


def _assert_identical(a: Aggregated, b: Aggregated) -> None:
    assert a.sums.variants == b.sums.variants
    assert np.array_equal(a.sums.units, b.sums.units)
    assert (a.mixed_units, a.units_per_day) == (b.mixed_units, b.units_per_day)
    assert len(a.sums.metrics) == len(b.sums.metrics)
    for x, y in zip(a.sums.metrics, b.sums.metrics, strict=True):
        for field in fields(x):
            one, two = getattr(x, field.name), getattr(y, field.name)
            assert type(one) is type(two), field.name
            if isinstance(one, np.ndarray):
                assert one.dtype == two.dtype and np.array_equal(one, two), (x.name, field.name)
            else:
                assert one == two, (x.name, field.name)


def _both(files: list[Path], exposure: Exposure, metrics: list[MetricDef],
          cache: Path) -> tuple[Aggregated, Aggregated]:
    sql = aggregate(DuckDBEngine(files), exposure, metrics, None)
    cached = aggregate(DuckDBEngine(files, index_dir=cache), exposure, metrics, None)
    assert is_built(cache, files)
    return sql, cached


def test_generated_events_give_identical_numbers(experiment_workspace, tmp_path) -> None:
    sql, cached = _both(experiment_workspace.lake.files(), GENERATED_EXPOSURE,
                        GENERATED_METRICS, tmp_path / "cache")
    _assert_identical(sql, cached)
    assert cached.mixed_units == 2
    # the sums came from the cache: one saved set of values per (event, property)
    assert len(list((tmp_path / "cache").glob("properties/*/meta.json"))) == 3
    empty = ("never", "back_late", "not_a_number", "missing")
    assert all(m.sum.sum() > 0 for m in cached.sums.metrics if m.name not in empty)


def test_custom_exposures_are_saved_and_give_identical_numbers(workspace, generated,
                                                             tmp_path) -> None:
    from tests.experiments.conftest import renamed, to_table

    workspace.lake.append(to_table(renamed(generated.events, CUSTOM)))
    files = workspace.lake.files()
    other = Exposure(CUSTOM, CUSTOM_EXPOSURE.variant_property)
    for exposure in (CUSTOM_EXPOSURE, other):
        first = aggregate(_indexed(files, tmp_path), exposure, GENERATED_METRICS, None)
        saved = sorted(tmp_path.glob("exposures/*/meta.json"))
        again = aggregate(_indexed(files, tmp_path), exposure, GENERATED_METRICS, None)
        assert sorted(tmp_path.glob("exposures/*/meta.json")) == saved
        _assert_identical(first, again)
        _assert_identical(aggregate(DuckDBEngine(files), exposure, GENERATED_METRICS, None), again)
    assert len(saved) == 2  # one per exposure definition


FLAG_CASES = {  # definition, and whether its exposures come from the cache
    "any": (Exposure("$feature_flag_called", "$feature_flag_response"), True),
    "on": (Exposure("$feature_flag_called", "$feature_flag_response",
                        (("$feature_flag", "on"),)), True),
    "b-twice": (Exposure("$feature_flag_called", "$feature_flag_response",
                             (("$feature_flag", "b"), ("$feature_flag", "b"))), True),
    "a-and-b": (Exposure("$feature_flag_called", "$feature_flag_response",
                             (("$feature_flag", "a"), ("$feature_flag", "b"))), False),
    "a-and-plan": (Exposure("$feature_flag_called", "$feature_flag_response",
                                (("$feature_flag", "a"), ("plan", "pro"))), False),
    "flag-as-variant": (Exposure("$feature_flag_called", "$feature_flag"), False),
}


@pytest.mark.parametrize("case", FLAG_CASES)
def test_flag_exposures_from_the_cache_match_the_sql_plan(workspace, tmp_path, case) -> None:
    """Responses that are not strings, flags missing or null, responses missing, other flags."""
    exposure, from_cache = FLAG_CASES[case]
    from tests.experiments.conftest import START, _event, to_table

    shapes = [{"$feature_flag": "a", "$feature_flag_response": "x"},
              {"$feature_flag": "a", "$feature_flag_response": "y", "plan": "pro"},
              {"$feature_flag": "b", "$feature_flag_response": True},
              {"$feature_flag": "b", "$feature_flag_response": 2},
              {"$feature_flag": "on", "$feature_flag_response": False},
              {"$feature_flag": None, "$feature_flag_response": "x"},
              {"$feature_flag_response": "y"}, {"$feature_flag": "a"},
              {"$feature_flag": "a", "$feature_flag_response": None}]
    # each user sees one shape five times; u0 and u1 also another (mixed when both count)
    events = [_event("$feature_flag_called", f"u{i % 40}", START + timedelta(hours=i),
                     **shapes[i % 40 % len(shapes)]) for i in range(200)]
    events += [_event("$feature_flag_called", f"u{i}", START, **shapes[i + 1]) for i in (0, 1)]
    events += [_event("purchase", f"u{i % 50}", START + timedelta(hours=3 * i)) for i in range(90)]
    workspace.lake.append(to_table(events))
    metrics = [parse_metric("bought=conversion:purchase:2"), parse_metric("n=count:purchase")]
    files = workspace.lake.files()
    try:
        sql = aggregate(DuckDBEngine(files), exposure, metrics, None)
    except UserError as error:  # no unit exposed, in both
        with pytest.raises(UserError, match=re.escape(str(error))):
            aggregate(_indexed(files, tmp_path), exposure, metrics, None)
    else:
        _assert_identical(sql, aggregate(_indexed(files, tmp_path), exposure, metrics, None))
    assert from_cache != any(tmp_path.glob("exposures/*/meta.json"))  # the JSON path saves them


def test_demo_experiment_gives_identical_numbers(demo_workspace, tmp_path) -> None:
    e = TRUTH.experiment
    exposure = Exposure(e.exposure_event, e.variant_property, ((e.flag_property, e.flag),))
    metrics = [MetricDef("effect", "conversion", e.metric_event, e.metric_window_days),
               MetricDef("null", "conversion", e.null_event, e.null_window_days),
               MetricDef("projects", "count", e.metric_event, e.metric_window_days),
               MetricDef("pageviews", "count", "$pageview", None)]
    sql, cached = _both(demo_workspace.lake.files(), exposure, metrics, tmp_path / "cache")
    _assert_identical(sql, cached)
    assert cached.sums.variants == (e.control, e.test)


@pytest.mark.parametrize("event", ["$feature_flag_called", CUSTOM])
def test_exposures_are_extended_after_an_import(workspace, tmp_path, event) -> None:
    """Exposures seen before an import (saved ones, or the cache's flag exposures) are extended
    with the added files only; the numbers equal the SQL plan's, with units first exposed,
    re-exposed earlier, or turned mixed by the import."""
    from tests.experiments.conftest import START, _event, generate, renamed, to_table

    events = renamed(generate(users=1_200, seed=4).events, event)
    early = [e for e in events if int(e["distinct_id"][1:]) < 600]
    workspace.lake.append(to_table(early))
    exposure = Exposure(event, *astuple(GENERATED_EXPOSURE)[1:])
    cache = tmp_path / "cache"
    aggregate(_indexed(workspace.lake.files(), cache), exposure, GENERATED_METRICS, None)
    lineage = _lineage(cache)
    flag = {"$feature_flag": "checkout-v2"}
    extra = [_event(event, f"u{i}", START - timedelta(days=1), **flag,
                    **{"$feature_flag_response": "test"}) for i in range(10, 20)]
    extra += [_event(event, f"u{i}", START + timedelta(days=12), **flag,
                     **{"$feature_flag_response": "brand_new_arm"}) for i in range(20, 23)]
    extra += [_event(event, "u_new", START, **{"$feature_flag": "new-flag",
                                               "$feature_flag_response": "on"})]
    workspace.lake.append(to_table([e for e in events if e not in early] + extra))
    files = workspace.lake.files()
    extended = aggregate(DuckDBEngine(files, index_dir=cache), exposure, GENERATED_METRICS, None)
    assert _lineage(cache) == lineage  # extended, not rebuilt
    saved = list(cache.glob("exposures/*/meta.json"))
    if event == CUSTOM:
        after = json.loads(saved[0].read_text())
        assert after["lineage"] == lineage and set(after["files"]) == {str(f) for f in files}
    else:
        assert not saved  # flag exposures are in the cache
        _assert_same_flag_exposures(open_columns(cache, files),
                                    open_columns(tmp_path / "fresh", files))
    _assert_identical(aggregate(DuckDBEngine(files), exposure, GENERATED_METRICS, None), extended)
    purchases = len(open_columns(cache, files).keys("purchase"))
    for path in cache.glob("properties/*/meta.json"):  # sums came from the cache, extended
        meta = json.loads(path.read_text())
        assert meta["lineage"] == lineage and set(meta["files"]) == {str(f) for f in files}
        assert len(np.load(path.parent / "value.npy")) == purchases
    assert extended.mixed_units == 2 + 3 + sum(  # u0, u1, the new arm, and re-exposed in test
        1 for i in range(10, 20) if json.loads(next(
            e["properties"] for e in early if e["distinct_id"] == f"u{i}"
            and e["event"] == event))["$feature_flag_response"] != "test")


def _lineage(cache: Path) -> str:
    (meta,) = cache.glob("columns-*/meta.json")
    return str(json.loads(meta.read_text())["lineage"])


def _assert_same_flag_exposures(one: Columns, two: Columns) -> None:
    """The same (distinct_id, µs, flag, response) rows: uids differ between the two caches."""
    def rows(columns: Columns) -> list[tuple]:
        found, ids = columns.flag_exposures(), columns.distinct_ids(
            np.arange(columns.users))
        return sorted((ids[u], t, found.flags[f] if f >= 0 else None, found.responses[r])
                      for u, t, f, r in zip(found.uid.tolist(), found.us.tolist(),
                                            found.flag.tolist(), found.response.tolist(),
                                            strict=True))
    assert rows(one) == rows(two) and len(rows(one)) > 1_200
