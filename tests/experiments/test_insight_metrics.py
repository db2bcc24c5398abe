"""Saved insights become experiment metrics only where the translation is exact."""

from __future__ import annotations

import pytest

from needle.analytics.builders import funnel_query, trend_query
from needle.errors import UserError
from needle.experiments.insight_metrics import resolve_metric
from needle.experiments.metrics import MetricDef


def test_funnel_and_trend_insights_translate(workspace) -> None:
    workspace.save_insight("checkout", funnel_query(["$pageview", "purchase"], window="7d"))
    workspace.save_insight("purchases", trend_query(["purchase"]))
    workspace.save_insight("revenue", trend_query(["purchase"], measure="sum",
                                                   property="amount"))
    assert resolve_metric(workspace.store, "bought=insight:checkout") == MetricDef(
        "bought", "conversion", "purchase", 7.0, insight="checkout")
    assert resolve_metric(workspace.store, "insight:purchases") == MetricDef(
        "purchases", "count", "purchase", insight="purchases")
    assert resolve_metric(workspace.store, "insight:revenue").property_name == "amount"
    assert resolve_metric(workspace.store, "count:purchase:3").days == 3.0


def test_insights_that_do_not_translate_are_refused(workspace) -> None:
    workspace.save_insight("filtered", trend_query(["purchase"], where=["plan=pro"]))
    with pytest.raises(UserError, match="cannot be an experiment metric"):
        resolve_metric(workspace.store, "insight:filtered")
    with pytest.raises(UserError, match="no insight named"):
        resolve_metric(workspace.store, "insight:missing")
