"""The key metrics of a review as daily series: the saved insights on dashboards, plus people
active and the most frequent events.

A trend insight with one daily series is read as saved; a funnel becomes the daily conversion of
people entering it (by the day of their first entry step), and of each of its steps, so the step
that moved can be named. Conversions are kept only for days whose window had closed by the newest
event (a cohort still converting would look like a drop). Other kinds are listed as not reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import pairwise

import numpy as np

from needle.analytics.engine import Engine, run
from needle.analytics.insights import Insight
from needle.analytics.results import TrendResult
from needle.analytics.specs import DateRange, FunnelQuery, TrendQuery
from needle.review import daily

TOP_EVENTS = 4


@dataclass(frozen=True)
class Metric:
    """A daily series from ``first``; ``weekly`` says how days add up to a week: ``sum``,
    ``mean`` (people active per day) or ``ratio`` (``numerator`` over ``denominator``)."""

    name: str
    source: str  # dashboard insight | activity
    first: date
    values: np.ndarray
    weekly: str = "sum"
    event: str | None = None  # the event counted, for drivers
    numerator: np.ndarray | None = None
    denominator: np.ndarray | None = None
    steps: tuple[Metric, ...] = field(default=())  # a funnel's steps, each a ratio metric

    def week_value(self, start: date) -> float | None:
        """The metric over the seven days from ``start``; None when the days are not all known."""
        i = (start - self.first).days
        if i < 0 or i + 7 > self.values.size:
            return None
        if self.weekly == "ratio":
            assert self.numerator is not None and self.denominator is not None
            den = float(self.denominator[i:i + 7].sum())
            return float(self.numerator[i:i + 7].sum()) / den if den else None
        days = self.values[i:i + 7]
        return float(days.mean() if self.weekly == "mean" else days.sum())


def _ratio(name: str, source: str, first: date, entered: np.ndarray, converted: np.ndarray,
           known: int) -> Metric:
    entered, converted = entered[:known], converted[:known]
    rate = np.divide(converted, entered, out=np.zeros_like(converted), where=entered > 0)
    return Metric(name, source, first, rate, "ratio", numerator=converted, denominator=entered)


def funnel_metric(engine: Engine, name: str, query: FunnelQuery, first: date,
                  last_event: date, last: date) -> Metric:
    """The funnel's overall conversion by entry day, with each step's conversion as ``steps``."""
    events = [s.event or "any" for s in query.steps]
    closed = last_event - timedelta(seconds=query.window_seconds)
    known = max(0, min((last - first).days, (closed - first).days) + 1)
    steps = []
    for a, b in pairwise(events):
        entered, converted = daily.step_conversion(engine, a, b, query.window_seconds, first,
                                                   last)
        steps.append(_ratio(f"{name}: {a} → {b}", "dashboard insight", first, entered,
                            converted, known))
    entered, converted = daily.step_conversion(engine, events[0], events[-1],
                                               query.window_seconds, first, last)
    overall = _ratio(name, "dashboard insight", first, entered, converted, known)
    return Metric(overall.name, overall.source, first, overall.values, "ratio",
                  numerator=overall.numerator, denominator=overall.denominator,
                  steps=tuple(steps))


def trend_metric(engine: Engine, name: str, query: TrendQuery, first: date,
                 last: date) -> Metric | None:
    """A one-series daily trend over the review's days; None for other trends."""
    if query.interval != "day" or len(query.series) != 1 or query.breakdown or query.formula:
        return None
    result = run(engine, replace(query, dates=DateRange(first, last), compare=False))
    assert isinstance(result, TrendResult)
    values = np.zeros((last - first).days + 1)
    for point in result.series[0].points:
        day = point.t.date() if isinstance(point.t, datetime) else point.t
        values[(day - first).days] = point.value or 0.0
    series = query.series[0]
    weekly = "mean" if series.measure == "users" else "sum"
    return Metric(name, "dashboard insight", first, values, weekly, event=series.step.event)


def insight_metric(engine: Engine, insight: Insight, first: date, last_event: date,
                   last: date) -> Metric | None:
    """The insight as a daily metric, or None when its kind has no daily series."""
    query = insight.query
    if isinstance(query, FunnelQuery) and len(query.steps) >= 2:
        return funnel_metric(engine, insight.name, query, first, last_event, last)
    if isinstance(query, TrendQuery):
        return trend_metric(engine, insight.name, query, first, last)
    return None


def activity_metrics(engine: Engine, counts: dict[str, np.ndarray], first: date, last: date,
                     week_start: date) -> list[Metric]:
    """People active per day, then the week's most frequent events."""
    people = Metric("people active per day", "activity", first,
                    daily.people_active(engine, first, last), "mean")
    i = (week_start - first).days
    top = sorted(counts, key=lambda e: (-counts[e][i:i + 7].sum(), e))[:TOP_EVENTS]
    return [people, *[Metric(f"{e} events", "activity", first, counts[e], event=e) for e in top]]
