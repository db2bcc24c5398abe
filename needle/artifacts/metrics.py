"""The metrics artifacts cite: small definitions the analytics engine measures over events.

A metric is written as text so it can sit in a proposal, a goal or a link:

    conversion:signup>project_created@7d   share of users whose first `signup` in the window is
                                           followed by `project_created` within 7 days
    median_days:signup>project_created     median days from that first `signup` to the first
                                           `project_created` after it (converters only)
    per_user:invite_sent                   `invite_sent` events per user active in the window

Every measurement keeps the statement that produced it (over the ``events`` view that
``needle query sql`` also reads), so any number shown anywhere can be re-run.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from needle.analytics.engine import Engine, run
from needle.analytics.results import MetricResult, SpanResult
from needle.analytics.specs import CohortMetric, DateRange, MetricQuery, SpanQuery
from needle.errors import UserError

if TYPE_CHECKING:  # NumPy loads when values are compared, not when artifacts are listed
    import numpy as np

_SPEC = re.compile(
    r"^(?P<kind>conversion|median_days|per_user):(?P<event>[^>@]+)"
    r"(?:>(?P<then>[^@]+))?(?:@(?P<days>\d+)d)?$"
)
UNITS = {"conversion": "rate", "median_days": "days", "per_user": "count"}


@dataclass(frozen=True)
class Metric:
    kind: str
    event: str
    then: str | None = None
    within_days: int | None = None

    @property
    def spec(self) -> str:
        text = f"{self.kind}:{self.event}"
        text += f">{self.then}" if self.then else ""
        return text + (f"@{self.within_days}d" if self.within_days else "")

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def cohort(self) -> CohortMetric:
        """What the engine measures."""
        return CohortMetric(self.kind, self.event, self.then, self.within_days)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        within = f" within {self.within_days} days" if self.within_days else ""
        if self.kind == "conversion":
            return f"{self.event} → {self.then} conversion{within}"
        if self.kind == "median_days":
            return f"median days from {self.event} to {self.then}{within}"
        return f"{self.event} per active user"

    def target_problem(self, target: Any) -> str | None:
        """Why ``target`` can never be reached by this metric (a rate is 0 to 1; days and
        counts are never negative), or ``None`` when it can."""
        try:
            value = float(target)
        except (TypeError, ValueError):
            return f"target {target!r} is not a number"
        if not math.isfinite(value):
            return f"target {value:g} is not a finite number"
        if self.unit == "rate" and not 0 <= value <= 1:
            return f"target {value:g} is not a rate: write 60% as 0.6"
        if value < 0:
            return f"target {value:g} is below zero, which {self.label} never is"
        return None

    def format(self, value: float | None) -> str:
        """A value as people read it: rates in percent, days and counts with two decimals."""
        if value is None:
            return "n/a"
        if self.unit == "rate":
            return f"{value * 100:.1f}%"
        return f"{value:.2f}" + (" days" if self.unit == "days" else "")


@dataclass(frozen=True)
class Window:
    """Days ``start`` up to, not including, ``end`` (UTC)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {(self.end - timedelta(days=1)).isoformat()}"


@dataclass(frozen=True)
class Measurement:
    metric: str
    window: Window
    value: float | None
    n: int
    sql: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["window"] = {"start": self.window.start.isoformat(),
                          "end": self.window.end.isoformat(),
                          "last": (self.window.end - timedelta(days=1)).isoformat()}
        return data


def parse_metric(text: str) -> Metric:
    """Read a metric spec; the error shows the accepted forms."""
    match = _SPEC.match(text.strip())
    if not match or (match["kind"] != "per_user") != bool(match["then"]):
        raise UserError(
            f"metric {text!r} is not understood; write conversion:A>B@7d, "
            "median_days:A>B or per_user:EVENT", field="metric", value=text)
    days = int(match["days"]) if match["days"] else None
    return Metric(match["kind"], match["event"].strip(), (match["then"] or "").strip() or None,
                  days)


def parse_query(text: str) -> tuple[Metric, Window | None]:
    """A query link: JSON ``{"metric": SPEC, "since": DATE, "until": DATE}`` or a bare spec."""
    if not text.lstrip().startswith("{"):
        return parse_metric(text), None
    try:
        data = json.loads(text)
        metric = parse_metric(data["metric"])
    except (json.JSONDecodeError, KeyError, TypeError):
        raise UserError(f"query {text!r}: write JSON with a 'metric' key") from None
    if "since" in data and "until" in data:
        return metric, Window(date.fromisoformat(data["since"]), date.fromisoformat(data["until"]))
    return metric, None


def _query(metric: Metric, window: Window, per_user: bool = False) -> MetricQuery:
    dates = DateRange(window.start, window.end - timedelta(days=1))
    return MetricQuery(metric.cohort, dates, per_user)


def _run(engine: Engine, metric: Metric, window: Window, per_user: bool) -> MetricResult:
    result = run(engine, _query(metric, window, per_user))
    assert isinstance(result, MetricResult)
    return result


def measure(engine: Engine, metric: Metric, window: Window) -> Measurement:
    result = _run(engine, metric, window, False)
    return Measurement(metric.spec, window, result.value, result.n, result.sql)


def user_values(engine: Engine, metric: Metric, window: Window) -> np.ndarray:
    import numpy as np

    return np.array(_run(engine, metric, window, True).values, dtype=float)


def affected(engine: Engine, metric: Metric, window: Window) -> tuple[list[str], str]:
    """Who a problem measured by ``metric`` touches (those who did not convert, for a
    conversion; everyone in the population otherwise), and one statement listing them."""
    result = _run(engine, metric, window, True)
    convert = metric.kind == "conversion"
    users = sorted({u for u, x in zip(result.users, result.values, strict=True)
                    if not convert or x == 0})
    where = " WHERE x = 0" if convert else ""
    sql = (f"SELECT coalesce(list(DISTINCT distinct_id), []::VARCHAR[]) AS users "
           f"FROM ({result.users_sql}) AS u{where}")
    return users, sql


def data_span(engine: Engine) -> Window:
    """The days the lake covers: first event day to the day after the last."""
    span = run(engine, SpanQuery())
    assert isinstance(span, SpanResult)
    if span.first is None or span.last is None:
        raise UserError("the event lake is empty; import events first", hint="import-events")
    return Window(span.first.date(), span.last.date() + timedelta(days=1))


def complete_span(engine: Engine, metric: Metric) -> Window:
    """All days whose cohorts have had their full conversion window."""
    span = data_span(engine)
    return Window(span.start, span.end - timedelta(days=metric.within_days or 0))


def trailing_window(engine: Engine, metric: Metric, days: int = 28,
                    as_of: date | None = None) -> Window:
    """The latest ``days`` (before ``as_of``, if given) whose cohorts have had their full
    conversion window."""
    span = data_span(engine)
    cut, wait = min(span.end, as_of or span.end), timedelta(days=metric.within_days or 0)
    if cut - span.start <= wait:  # compared before subtracting, which could leave the calendar
        if as_of is not None and as_of < span.end:
            raise UserError(f"as of {as_of}: the events span {span}, too little of it before "
                            f"then to measure {metric.spec}", field="as_of",
                            value=as_of.isoformat())
        raise UserError(f"the events span {span}: too short to measure {metric.spec}")
    end = cut - wait
    return Window(max(span.start, end - timedelta(days=days)), end)
