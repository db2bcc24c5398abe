"""The demo product's onboarding experiment: the planted effect is found, the planted null is not.

Read-only on the shared demo workspace: the library aggregates and analyses without storing.
"""

from __future__ import annotations

from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.specs import Exposure
from needle.demo.truth import TRUTH
from needle.experiments import AnalysisOptions, analyze
from needle.experiments.aggregate import aggregate
from needle.experiments.metrics import MetricDef


def test_demo_experiment_finds_the_planted_effect_and_not_the_null(demo_workspace) -> None:
    e = TRUTH.experiment
    exposure = Exposure(e.exposure_event, e.variant_property, ((e.flag_property, e.flag),))
    metrics = [MetricDef("effect", "conversion", e.metric_event, e.metric_window_days),
               MetricDef("null", "conversion", e.null_event, e.null_window_days)]
    data = aggregate(DuckDBEngine(demo_workspace.lake.files()), exposure, metrics, e.control)
    result = analyze(data.sums, AnalysisOptions())
    assert result.srm.ok
    effect, null = (m.comparisons[0] for m in result.metrics)
    assert effect.significant and effect.absolute_effect > 0
    lo, hi = effect.absolute_ci
    assert lo < e.metric_lift < hi
    assert not null.significant
    assert null.absolute_ci[0] < 0 < null.absolute_ci[1]
