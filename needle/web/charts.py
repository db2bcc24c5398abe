"""Vega-Lite specs (built with Altair) for query results; vega-embed draws them in the page and
each chart's data is also shown as a table beneath it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt

from needle.analytics.results import (
    FunnelResult,
    LifecycleResult,
    PathsResult,
    Result,
    RetentionResult,
    StickinessResult,
    TrendResult,
)

WIDTH = 640


def _trend(r: TrendResult) -> alt.Chart:
    rows = [{"t": p["t"], "value": p["value"],
             "series": s["label"] + (f" [{s['breakdown']}]" if s["breakdown"] else "")
             + (" (previous)" if s["compare"] == "previous" else "")}
            for s in r.to_json()["series"] for p in s["points"]]
    return alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("t:T", title=r.interval), y=alt.Y("value:Q", title="value"),
        color=alt.Color("series:N", title="series"),
        tooltip=["series:N", "t:T", "value:Q"])


def _funnel(r: FunnelResult) -> alt.Chart:
    rows = [{"step": f"{i}. {s.event}", "users": s.users, "conversion": s.conversion_rate}
            for i, s in enumerate(r.steps, 1)]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("step:N", sort=None, title="step"), y=alt.Y("users:Q", title="people"),
        tooltip=["step:N", "users:Q", alt.Tooltip("conversion:Q", format=".1%")])


def _retention(r: RetentionResult) -> alt.Chart:
    rows = [{"cohort": c["start"], "period": k, "share": n / c["users"] if c["users"] else None,
             "people": n} for c in r.to_json()["cohorts"] for k, n in enumerate(c["retained"])]
    return alt.Chart(alt.Data(values=rows)).mark_rect().encode(
        x=alt.X("period:O", title=f"{r.period}s since the cohort's"),
        y=alt.Y("cohort:O", title="cohort"),
        color=alt.Color("share:Q", title="retained", scale=alt.Scale(scheme="blues")),
        tooltip=["cohort:O", "period:O", "people:Q", alt.Tooltip("share:Q", format=".1%")])


def _stickiness(r: StickinessResult) -> alt.Chart:
    rows = [{"active": k, "users": n} for k, n in r.counts]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("active:O", title=f"{r.interval}s active"), y=alt.Y("users:Q", title="people"),
        tooltip=["active:O", "users:Q"])


def _lifecycle(r: LifecycleResult) -> alt.Chart:
    rows = [{"t": p["t"], "status": status, "people": -p[status] if status == "dormant"
             else p[status]} for p in r.to_json()["periods"]
            for status in ("new", "returning", "resurrecting", "dormant")]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("t:T", title=r.interval), y=alt.Y("people:Q", title="people"),
        color=alt.Color("status:N", title="status"), tooltip=["t:T", "status:N", "people:Q"])


def _paths(r: PathsResult) -> alt.Chart:
    rows = [{"step": s.step, "event": e, "users": n} for s in r.steps for e, n in s.events]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        y=alt.Y("event:N", title="event", sort="-x"), x=alt.X("users:Q", title="people"),
        row=alt.Row("step:O", title="step"), tooltip=["step:O", "event:N", "users:Q"])


CHARTS: dict[type, Callable[[Any], alt.Chart]] = {
    TrendResult: _trend, FunnelResult: _funnel, RetentionResult: _retention,
    StickinessResult: _stickiness, LifecycleResult: _lifecycle, PathsResult: _paths,
}


def chart_spec(result: Result) -> dict[str, Any] | None:
    """The Vega-Lite spec of ``result``, or None for a kind with no chart (SQL)."""
    make = CHARTS.get(type(result))
    if make is None:
        return None
    chart = make(result)
    width = WIDTH if type(result) is not PathsResult else WIDTH // 2
    return chart.properties(width=width).to_dict()  # type: ignore[no-any-return]
