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


def chart_spec(result: Result, width: int = WIDTH) -> dict[str, Any] | None:
    """The Vega-Lite spec of ``result``, or None for a kind with no chart (SQL)."""
    make = CHARTS.get(type(result))
    if make is None:
        return None
    chart = make(result)
    width = width if type(result) is not PathsResult else width // 2
    return chart.properties(width=width).to_dict()  # type: ignore[no-any-return]


def sparkline(weeks: list[dict[str, Any]], width: int = 160, height: int = 36,
              axes: bool = False) -> dict[str, Any] | None:
    """A theme's weekly counts as a small line, without axes unless asked (None without
    weeks). Written out rather than built with Altair: a list page draws one per theme."""
    if not weeks:
        return None
    x: dict[str, Any] = {"field": "week_start", "type": "temporal", "title": "week of"}
    y: dict[str, Any] = {"field": "count", "type": "quantitative", "title": "pieces"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": weeks}, "width": width, "height": height,
        "mark": {"type": "line", "point": True},
        "encoding": {"x": x if axes else {**x, "axis": None},
                     "y": y if axes else {**y, "axis": None}, "tooltip": [x, y]},
        "config": {"view": {"stroke": None}},
    }


# An experiment's verdicts and their colours; every row also says its verdict in words.
VERDICTS = ("better", "worse", "no change", "inconclusive", "not computable")
VERDICT_COLOURS = ("#1e7b34", "#a4262c", "#5a6270", "#b26b00", "#9aa0a6")


def experiment_intervals(rows: list[dict[str, Any]], width: int = WIDTH) -> dict[str, Any] | None:
    """Each metric's relative change against control as its interval (a bar from low to high)
    and estimate (a tick), against a dashed zero line, coloured by verdict and labelled with
    it; None when no row has a bounded interval."""
    drawn = [{k: r[k] for k in ("row", "effect", "low", "high", "verdict", "effect_text",
                                "interval_text", "p_value", "chance_to_win")}
             for r in rows if None not in (r["low"], r["high"], r["effect"])]
    if not drawn:
        return None
    y = alt.Y("row:N", sort=None, title=None, axis=alt.Axis(labelLimit=0))
    colour = alt.Color("verdict:N", title="verdict",
                       scale=alt.Scale(domain=list(VERDICTS), range=list(VERDICT_COLOURS)))
    base = alt.Chart(alt.Data(values=drawn))
    tooltip = [alt.Tooltip("row:N", title="metric"),
               alt.Tooltip("effect_text:N", title="change"),
               alt.Tooltip("interval_text:N", title="interval"),
               alt.Tooltip("p_value:Q", title="p-value", format=".3g"),
               alt.Tooltip("chance_to_win:Q", title="chance to win", format=".1%"),
               alt.Tooltip("verdict:N", title="verdict")]
    interval = base.mark_bar(height=14, opacity=0.75).encode(
        x=alt.X("low:Q", title="change against control (relative)",
                axis=alt.Axis(format="+.0%")), x2="high:Q", y=y, color=colour, tooltip=tooltip)
    estimate = base.mark_tick(color="#1b1f24", thickness=2, size=20).encode(
        x="effect:Q", y=y, tooltip=tooltip)
    label = base.mark_text(align="left", dx=6, fontWeight="bold").encode(
        x="high:Q", y=y, text="verdict:N", color=colour)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(
        color="#1b1f24", strokeDash=[4, 3]).encode(x="zero:Q")
    chart = alt.layer(zero, interval, estimate, label).properties(
        width=width, height=max(60, 40 * len(drawn)))
    return chart.to_dict()  # type: ignore[no-any-return]
