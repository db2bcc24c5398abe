"""Saved insights as experiment metrics, where the translation is exact.

A funnel whose steps carry no filters becomes "conversion to its last step within its window
after exposure". A one-series trend of an event count (or of a property sum) becomes a count
(or sum) per user after exposure. Anything with filters, breakdowns, exclusions or formulas is
refused rather than half-translated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from needle.analytics.insights import get_insight
from needle.analytics.specs import FunnelQuery, TrendQuery
from needle.errors import UserError
from needle.experiments.metrics import MetricDef, parse_metric
from needle.store import Store

PREFIX = "insight:"


def _refuse(name: str, why: str) -> UserError:
    return UserError(f"insight {name!r} cannot be an experiment metric: {why}; define the metric "
                     "directly (conversion:EVENT:DAYS, count:EVENT, sum:EVENT:PROPERTY)")


def _from_funnel(name: str, label: str, q: FunnelQuery) -> MetricDef:
    if q.filters or q.exclusions or q.breakdown or any(s.filters for s in q.steps):
        raise _refuse(name, "it has filters, exclusions or a breakdown")
    last = q.steps[-1].event
    if last is None:
        raise _refuse(name, "its last step is 'any event'")
    return MetricDef(label, "conversion", last, q.window_seconds / 86400, insight=name)


def _from_trend(name: str, label: str, q: TrendQuery) -> MetricDef:
    if len(q.series) != 1 or q.filters or q.breakdown or q.formula:
        raise _refuse(name, "only one-series trends without filters or formulas translate")
    series = q.series[0]
    event = series.step.event
    if event is None or series.step.filters:
        raise _refuse(name, "its series has filters or counts any event")
    if series.measure == "events":
        return MetricDef(label, "count", event, insight=name)
    if series.measure == "sum" and series.property:
        return MetricDef(label, "sum", event, property_name=series.property, insight=name)
    raise _refuse(name, f"measure {series.measure!r} is not a per-user count or sum")


def resolve_metric(store: Store, spec: str) -> MetricDef:
    """``[NAME=]insight:INSIGHT`` through the saved insight, other forms as :func:`parse_metric`."""
    label, sep, body = spec.partition("=")
    if not sep:
        label, body = "", spec
    if not body.strip().startswith(PREFIX):
        return parse_metric(spec)
    name = body.strip()[len(PREFIX):]
    query: Any = get_insight(store, name).query
    translate = _TRANSLATIONS.get(type(query))
    if translate is None:
        raise _refuse(name, f"{type(query).__name__} has no per-user value")
    return translate(name, label.strip() or name, query)


_TRANSLATIONS: dict[type, Callable[[str, str, Any], MetricDef]] = {
    FunnelQuery: _from_funnel, TrendQuery: _from_trend,
}
