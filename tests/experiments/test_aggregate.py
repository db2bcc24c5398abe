"""Per-variant sums from the event lake equal a plain-Python count over the same events."""

from __future__ import annotations

import numpy as np

from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.specs import Exposure
from needle.experiments.aggregate import aggregate
from needle.experiments.metrics import parse_metric

EXPOSURE = Exposure("$feature_flag_called", "$feature_flag_response",
                        (("$feature_flag", "checkout-v2"),))
METRICS = [parse_metric(s) for s in (
    "bought=conversion:purchase:7", "purchases=count:purchase:7",
    "revenue=sum:purchase:amount:7", "ticket=conversion:support_ticket:14")]
KEYS = {"bought": "converted", "purchases": "purchases", "revenue": "amount",
        "ticket": "ticket"}


def test_sums_match_an_independent_count(experiment_workspace, generated) -> None:
    data = aggregate(DuckDBEngine(experiment_workspace.lake.files()), EXPOSURE, METRICS, "control")
    assert data.sums.variants == ("control", "test")
    assert data.mixed_units == 2
    for metric in data.sums.metrics:
        key = KEYS[metric.name]
        for k, variant in enumerate(data.sums.variants):
            values = [u[key] for u in generated.units.values() if u["variant"] == variant]
            assert metric.n[k] == len(values)
            assert np.isclose(metric.sum[k], sum(values))
            assert np.isclose(metric.sum_squares[k], sum(v * v for v in values))
    assert data.units_per_day is not None and 250 < data.units_per_day < 350
