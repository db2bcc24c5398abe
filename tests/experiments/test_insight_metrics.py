"""Saved insights become experiment metrics only where the translation is exact."""

from __future__ import annotations

import pytest

from needle.analytics.api import funnel_query, trend_query
from needle.analytics.insights import save_insight
from needle.errors import UserError
from needle.experiments.insight_metrics import resolve_metric
from needle.experiments.metrics import MetricDef


def test_funnel_and_trend_insights_translate(workspace) -> None:
    save_insight(workspace, "checkout", funnel_query(["$pageview", "purchase"], window="7d"))
    save_insight(workspace, "purchases", trend_query(["purchase"]))
    save_insight(workspace, "revenue", trend_query(["purchase"], measure="sum",
                                                   property="amount"))
    assert resolve_metric(workspace, "bought=insight:checkout") == MetricDef(
        "bought", "conversion", "purchase", 7.0, insight="checkout")
    assert resolve_metric(workspace, "insight:purchases") == MetricDef(
        "purchases", "count", "purchase", insight="purchases")
    assert resolve_metric(workspace, "insight:revenue").property_name == "amount"
    assert resolve_metric(workspace, "count:purchase:3").days == 3.0


def test_insights_that_do_not_translate_are_refused(workspace) -> None:
    save_insight(workspace, "filtered", trend_query(["purchase"], where=["plan=pro"]))
    with pytest.raises(UserError, match="cannot be an experiment metric"):
        resolve_metric(workspace, "insight:filtered")
    with pytest.raises(UserError, match="no insight named"):
        resolve_metric(workspace, "insight:missing")
