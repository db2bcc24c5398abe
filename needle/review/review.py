"""The weekly review: what moved, why, and what waits for someone.

A review covers one ISO week (Monday to Sunday; by default the newest complete week of events).
Each key metric shows this week, last week and the median of the four weeks before; each daily
point of this week that the anomaly detector alerts on becomes an anomaly with its drivers. The
rest comes from the workspace's artifacts: themes rising and falling, experiments ready to decide
or with a sample-ratio problem, goals off track, proposals past their date and decisions logged
in the week. One observation is suggested for the team meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import median
from typing import Any

import numpy as np

from needle.analytics.dashboards import list_dashboards
from needle.analytics.engine import Engine, run
from needle.analytics.insights import Insight, get_insight
from needle.analytics.results import SpanResult
from needle.analytics.specs import SpanQuery
from needle.artifacts import journal
from needle.artifacts.week import decisions_in, goal_statuses, overdue_proposals
from needle.errors import UserError
from needle.review import daily
from needle.review.alerts import RuleState, list_rules, record, verdict
from needle.review.drivers import Driver, event_drivers
from needle.review.metrics import Metric, activity_metrics, insight_metric
from needle.review.sections import experiments_to_decide, themes_moving
from needle.stats.anomalies import score_series
from needle.stats.anomaly_shift import RateShift, rate_shift
from needle.store import Store

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class Anomaly:
    """A point of this week the detector alerted on, with what it was expected to be."""

    metric: str
    day: date
    value: float
    expected: float | None
    score: float
    drivers: tuple[Driver, ...]
    ratio: bool = False

    def sentence(self) -> str:
        """``metric fell on Tuesday 2026-08-25: 831 against 1,340 expected``."""
        against = "" if self.expected is None else \
            f" against {number(self.expected, self.ratio)} expected"
        return (f"{self.metric} {self.direction} on {self.day:%A} {self.day}: "
                f"{number(self.value, self.ratio)}{against}")

    @property
    def direction(self) -> str:
        return "rose" if self.expected is not None and self.value > self.expected else "fell"

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "day": self.day.isoformat(), "value": self.value,
                "expected": self.expected, "direction": self.direction, "score": self.score,
                "ratio": self.ratio, "drivers": [d.to_json() for d in self.drivers]}


@dataclass(frozen=True)
class MetricRow:
    name: str
    source: str
    ratio: bool
    this_week: float | None
    last_week: float | None
    median_4_weeks: float | None

    @property
    def change(self) -> float | None:
        """This week against last week, relative."""
        if self.this_week is None or not self.last_week:
            return None
        return (self.this_week - self.last_week) / self.last_week

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "ratio": self.ratio,
                "this_week": self.this_week, "last_week": self.last_week,
                "median_4_weeks": self.median_4_weeks, "change": self.change}


@dataclass(frozen=True)
class Review:
    week: str
    period: journal.Period
    metrics: list[MetricRow]
    anomalies: list[Anomaly]
    not_reviewed: list[str]
    themes: dict[str, list[dict[str, Any]]]
    experiments: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    observation: str
    alerts: list[RuleState]

    def to_json(self) -> dict[str, Any]:
        return {"week": self.week, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "metrics": [m.to_json() for m in self.metrics],
                "anomalies": [a.to_json() for a in self.anomalies],
                "not_reviewed": self.not_reviewed, "themes": self.themes,
                "experiments": self.experiments, "goals": self.goals,
                "proposals": self.proposals, "decisions": self.decisions,
                "observation": self.observation, "alerts": [a.to_json() for a in self.alerts]}


def number(value: float, ratio: bool) -> str:
    """A value as people read it: a percentage for a ratio, else a rounded number."""
    return f"{value:.1%}" if ratio else f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def iso_week(text: str) -> journal.Period:
    """``YYYY-Www`` as its Monday-to-Sunday days."""
    match = _WEEK.match(text.strip())
    try:
        if not match:
            raise ValueError
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise UserError(f"week {text!r}: write an ISO week as YYYY-Www, such as 2026-W35",
                        field="week", value=text) from None
    return journal.Period(monday, monday + timedelta(days=6))


def label(period: journal.Period) -> str:
    year, week, _ = period.start.isocalendar()
    return f"{year}-W{week:02d}"


def latest_complete_week(last: date) -> journal.Period:
    """The newest ISO week whose Sunday has events on or before ``last``."""
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    return journal.Period(sunday - timedelta(days=6), sunday)


def _count_anomalies(engine: Engine, series: Metric, counts: dict[str, np.ndarray],
                     period: journal.Period, threshold: float) -> list[Anomaly]:
    """Days of the week the point detector alerts on, each with its drivers."""
    if series.values.size < 2:
        return []
    scored = score_series(series.values, _DAY_SECONDS, threshold)
    start = (period.start - series.first).days
    found = []
    for i in np.flatnonzero(scored.alert[start:start + 7]) + start:
        day = series.first + timedelta(days=int(i))
        before = [series.values[i - 7 * k] for k in (1, 2, 3) if i - 7 * k >= 0]
        drivers = (tuple(event_drivers(engine, counts, series.event, series.first, day))
                   if series.event in counts else ())
        found.append(Anomaly(series.name, day, float(series.values[i]),
                             float(median(before)) if before else None,
                             float(scored.score[i]), drivers))
    return found


def _shift(series: Metric, monday: date, threshold: float) -> RateShift | None:
    first = (monday - series.first).days
    last = min(first + 6, series.values.size - 1)
    if first < 0 or last < first:
        return None
    assert series.numerator is not None and series.denominator is not None
    return rate_shift(series.numerator, series.denominator, first, last, threshold)


def _rate_anomaly(series: Metric, period: journal.Period, threshold: float,
                  drivers: tuple[Driver, ...] = ()) -> Anomaly | None:
    """A step change of a rate starting this week, unless last week already showed it (one
    alert per change: later weeks still differ from a baseline that predates it)."""
    shift = _shift(series, period.start, threshold)
    if shift is None or not shift.alert:
        return None
    earlier = _shift(series, period.start - timedelta(days=7), threshold)
    if earlier is not None and earlier.alert and earlier.z * shift.z > 0:
        return None
    if not drivers and ": " in series.name:
        drivers = (Driver("funnel step", series.name.split(": ", 1)[1], None, None,
                          shift.after - shift.before, None),)
    return Anomaly(series.name, series.first + timedelta(days=shift.start), shift.after,
                   shift.before, shift.score, drivers, ratio=True)


def _anomalies(engine: Engine, metric: Metric, counts: dict[str, np.ndarray],
               period: journal.Period, threshold: float) -> list[Anomaly]:
    """Counts go to the point detector; a funnel's rates to the step-change test, each step
    first, so that the funnel's own change names the steps that moved as its drivers."""
    if metric.weekly != "ratio":
        return _count_anomalies(engine, metric, counts, period, threshold)
    steps = [a for s in metric.steps if (a := _rate_anomaly(s, period, threshold)) is not None]
    overall = _rate_anomaly(metric, period, threshold,
                            tuple(d for a in steps for d in a.drivers))
    return steps + ([overall] if overall is not None else [])


def _row(metric: Metric, period: journal.Period) -> MetricRow:
    weeks = [metric.week_value(period.start - timedelta(days=7 * k)) for k in range(6)]
    earlier = [w for w in weeks[1:5] if w is not None]
    return MetricRow(metric.name, metric.source, metric.weekly == "ratio", weeks[0], weeks[1],
                     float(median(earlier)) if earlier else None)


def observation(anomalies: list[Anomaly], rows: list[MetricRow]) -> str:
    """One sentence to bring to the team meeting: the strongest anomaly and its driver, else
    the largest move on last week."""
    if anomalies:
        a = max(anomalies, key=lambda x: (abs(x.value - (x.expected or 0.0))
                                          / max(abs(x.expected or 0.0), 1e-9), x.score))
        why = f"; likely driver: {a.drivers[-1].sentence()}" if a.drivers else ""
        return f"{a.sentence()}{why}."
    moved = [r for r in rows if r.change is not None]
    if not moved:
        return "Nothing to compare yet: this week or last week has no data."
    r = max(moved, key=lambda x: abs(x.change or 0.0))
    return (f"No anomaly this week; the largest move is {r.name}, {r.change:+.1%} on last week "
            "(within its usual range).")


def key_insights(store: Store) -> list[Insight]:
    """The saved insights on any dashboard, each once, in dashboard order."""
    seen: dict[str, Insight] = {}
    for dashboard in list_dashboards(store):
        for insight in dashboard.insights:
            seen.setdefault(insight.name, insight)
    return list(seen.values())


def build_review(store: Store, engine: Engine, insights: list[Insight], threshold: float,
                 week: str | None, today: date) -> Review:
    """The review of ``week`` (``YYYY-Www``; default the newest complete week of events)."""
    span = run(engine, SpanQuery())
    assert isinstance(span, SpanResult)
    if span.first is None or span.last is None:
        raise UserError("no events yet to review", hint="import-events")
    first, last_event = span.first.date(), span.last.date()
    period = iso_week(week) if week else latest_complete_week(last_event)
    if period.start > last_event or period.end < first:
        before = "" if week else "no complete week of events yet: "
        raise UserError(f"{before}week {label(period)}: the events run from {first} to "
                        f"{last_event}", field="week", value=label(period))
    last = min(period.end, last_event)
    counts = daily.event_counts(engine, first, last)
    rules = list_rules(store)
    metrics, skipped, shown = _read_metrics(store, engine, insights, rules, counts,
                                            (first, last_event, last), period.start)
    every = [a for m in metrics for a in _anomalies(engine, m, counts, period, threshold)]
    anomalies = [a for a in every if a.metric.split(": ", 1)[0] in shown]
    all_rows = [_row(m, period) for m in metrics]
    rows = [r for r in all_rows if r.name in shown]
    with store.session() as session:
        goals = [g.to_json() | {"off_track": g.verdict in ("missed", "no data")}
                 for g in goal_statuses(session, engine, today)]
        proposals = overdue_proposals(session, today)
        decisions = decisions_in(session, period)
    checked = check_rules(store, rules, label(period), all_rows, every)
    return Review(label(period), period, rows, anomalies, skipped, themes_moving(store),
                  experiments_to_decide(store, engine), [g for g in goals if g["off_track"]],
                  proposals, decisions, observation(anomalies, rows), checked)


def _read_metrics(store: Store, engine: Engine, insights: list[Insight], rules: list[RuleState],
                  counts: dict[str, np.ndarray], days: tuple[date, date, date], monday: date
                  ) -> tuple[list[Metric], list[str], set[str]]:
    """The metrics to read: the key insights, the insights alert rules watch, and activity;
    also the key insights without a daily series, and the names the review shows."""
    first, last_event, last = days
    key = [i.name for i in insights]
    watched = [get_insight(store, n) for n in dict.fromkeys(r.insight for r in rules)
               if n not in key]
    read = [(i.name, insight_metric(engine, i, first, last_event, last))
            for i in [*insights, *watched]]
    metrics = [m for _, m in read if m is not None]
    activity = [m for m in activity_metrics(engine, counts, first, last, monday)
                if not any(np.array_equal(m.values, k.values) for k in metrics)]
    shown = {*key, *(m.name for m in activity)}
    return ([*metrics, *activity], [n for n, m in read if m is None and n in key], shown)


def check_rules(store: Store, rules: list[RuleState], week: str, rows: list[MetricRow],
                anomalies: list[Anomaly]) -> list[RuleState]:
    """Check every alert rule against the week and record each outcome."""
    by_name = {r.name: r for r in rows}
    out = []
    for rule in rules:
        row = by_name.get(rule.insight)
        if row is None:
            firing, message = None, "not reviewed: the insight has no daily series"
        else:
            anomalous = any(a.metric == rule.insight or a.metric.startswith(f"{rule.insight}: ")
                            for a in anomalies)
            firing, message = verdict(rule.kind, rule.value, row.this_week, row.change,
                                      anomalous)
        record(store, rule.id, week, firing, message)
        out.append(replace(rule, checked_week=week, firing=firing, message=message))
    return out
