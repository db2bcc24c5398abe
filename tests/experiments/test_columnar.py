"""Conversion and count metrics from the columnar cache equal the SQL plan's, number for number."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import numpy as np

from needle.analytics.columnar.store import is_built
from needle.demo.truth import TRUTH
from needle.experiments.aggregate import Aggregated, ExposureSpec, aggregate
from needle.experiments.metrics import MetricDef, parse_metric

GENERATED_EXPOSURE = ExposureSpec("$feature_flag_called", "$feature_flag_response",
                                  (("$feature_flag", "checkout-v2"),))
# windows of 0 days (events at the exposure instant), fractions of a day, none at all, and an
# event that never happens
GENERATED_METRICS = [parse_metric(s) for s in (
    "bought=conversion:purchase:7", "purchases=count:purchase:7", "all=count:purchase",
    "instant=conversion:$feature_flag_called:0", "hours=count:purchase:0.3",
    "ticket=conversion:support_ticket:14", "never=count:no_such_event:3",
    "exposures=count:$feature_flag_called", "back0=retention:purchase:0",
    "back1=retention:purchase:1", "back_half=retention:purchase:2.5",
    "back_late=retention:purchase:60")]


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


def _both(files: list[Path], exposure: ExposureSpec, metrics: list[MetricDef],
          cache: Path) -> tuple[Aggregated, Aggregated]:
    sql = aggregate(files, exposure, metrics, None)
    cached = aggregate(files, exposure, metrics, None, cache_dir=cache)
    assert is_built(cache, files)
    return sql, cached


def test_generated_events_give_identical_numbers(experiment_workspace, tmp_path) -> None:
    sql, cached = _both(experiment_workspace.lake.files(), GENERATED_EXPOSURE,
                        GENERATED_METRICS, tmp_path / "cache")
    _assert_identical(sql, cached)
    assert cached.mixed_units == 2
    assert all(m.sum.sum() > 0 for m in cached.sums.metrics if m.name not in ("never", "back_late"))


def test_saved_exposures_give_identical_numbers(experiment_workspace, tmp_path) -> None:
    files = experiment_workspace.lake.files()
    other = ExposureSpec(GENERATED_EXPOSURE.event, GENERATED_EXPOSURE.variant_property)
    for exposure in (GENERATED_EXPOSURE, other):
        first = aggregate(files, exposure, GENERATED_METRICS, None, cache_dir=tmp_path)
        saved = list(tmp_path.glob("exposures/*.npz"))
        again = aggregate(files, exposure, GENERATED_METRICS, None, cache_dir=tmp_path)
        assert list(tmp_path.glob("exposures/*.npz")) == saved
        _assert_identical(first, again)
        _assert_identical(aggregate(files, exposure, GENERATED_METRICS, None), again)
    assert len(saved) == 2  # one per exposure definition


def test_demo_experiment_gives_identical_numbers(demo_workspace, tmp_path) -> None:
    e = TRUTH.experiment
    exposure = ExposureSpec(e.exposure_event, e.variant_property, ((e.flag_property, e.flag),))
    metrics = [MetricDef("effect", "conversion", e.metric_event, e.metric_window_days),
               MetricDef("null", "conversion", e.null_event, e.null_window_days),
               MetricDef("projects", "count", e.metric_event, e.metric_window_days),
               MetricDef("pageviews", "count", "$pageview", None)]
    sql, cached = _both(demo_workspace.lake.files(), exposure, metrics, tmp_path / "cache")
    _assert_identical(sql, cached)
    assert cached.sums.variants == (e.control, e.test)


def test_other_metric_kinds_take_the_sql_plan(experiment_workspace, tmp_path) -> None:
    metrics = [*GENERATED_METRICS[:2], parse_metric("revenue=sum:purchase:amount:7"),
               parse_metric("back=retention:purchase:1")]  # a sum needs event properties
    files = experiment_workspace.lake.files()
    cached = aggregate(files, GENERATED_EXPOSURE, metrics, "control", cache_dir=tmp_path)
    assert not is_built(tmp_path, files)
    _assert_identical(aggregate(files, GENERATED_EXPOSURE, metrics, "control"), cached)


def test_saved_exposures_are_extended_after_an_import(workspace, tmp_path) -> None:
    """Exposures saved before an import are extended with the added files only; the numbers
    equal the SQL plan's, with units first exposed, re-exposed earlier, or turned mixed by the
    import."""
    from tests.experiments.conftest import START, _event, generate, to_table

    events = generate(users=1_200, seed=4).events
    early = [e for e in events if int(e["distinct_id"][1:]) < 600]
    workspace.lake.append(to_table(early))
    exposure = GENERATED_EXPOSURE
    cache = tmp_path / "cache"
    aggregate(workspace.lake.files(), exposure, GENERATED_METRICS, None, cache_dir=cache)
    before = dict(np.load(next(cache.glob("exposures/*.npz"))))
    flag = {"$feature_flag": "checkout-v2"}
    extra = [_event("$feature_flag_called", f"u{i}", START - timedelta(days=1), **flag,
                    **{"$feature_flag_response": "test"}) for i in range(10, 20)]
    extra += [_event("$feature_flag_called", f"u{i}", START + timedelta(days=12), **flag,
                     **{"$feature_flag_response": "brand_new_arm"}) for i in range(20, 23)]
    workspace.lake.append(to_table([e for e in events if e not in early] + extra))
    files = workspace.lake.files()
    extended = aggregate(files, exposure, GENERATED_METRICS, None, cache_dir=cache)
    after = dict(np.load(next(cache.glob("exposures/*.npz"))))
    assert str(after["lineage"]) == str(before["lineage"])  # extended, not rebuilt
    assert set(after["files"].tolist()) == {str(f) for f in files} > set(before["files"].tolist())
    _assert_identical(aggregate(files, exposure, GENERATED_METRICS, None), extended)
    assert extended.mixed_units == 2 + 3 + sum(  # u0, u1, the new arm, and re-exposed in test
        1 for i in range(10, 20) if json.loads(next(
            e["properties"] for e in early if e["distinct_id"] == f"u{i}"
            and e["event"] == "$feature_flag_called"))["$feature_flag_response"] != "test")
