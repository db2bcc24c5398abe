"""Conversion and count metrics from the columnar cache equal the SQL plan's, number for number."""

from __future__ import annotations

from dataclasses import fields
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
        saved = list(tmp_path.glob("columns-*/exposures-*.npz"))
        again = aggregate(files, exposure, GENERATED_METRICS, None, cache_dir=tmp_path)
        assert list(tmp_path.glob("columns-*/exposures-*.npz")) == saved
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
