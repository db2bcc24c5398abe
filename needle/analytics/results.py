"""Results: plain dataclasses whose ``to_json()`` is the stable shape of ``--json``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from needle.analytics.specs import DateRange

# The days an answer covers, its range's open ends filled in (null only for a result built by
# hand rather than run on an engine).
DATES_SHAPE: tuple[str, dict[str, str]] = ("null", {
    "start": "date: first UTC day covered (a default filled in when none was given)",
    "end": "date: last UTC day covered (the last day with events when none was given)"})

def _iso(t: date | datetime) -> str:
    """Dates as ``YYYY-MM-DD``; hourly buckets as ISO date-times with ``Z``."""
    if isinstance(t, datetime):
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.isoformat()


def dates_json(dates: DateRange | None) -> dict[str, str | None] | None:
    if dates is None:
        return None
    return {"start": None if dates.start is None else dates.start.isoformat(),
            "end": None if dates.end is None else dates.end.isoformat()}


@dataclass(frozen=True)
class FunnelStep:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "event": "str", "users": "int: people whose furthest step is this one or later",
        "conversion_rate": "float: users / step 1's users (0 when nobody started)",
        "dropped": "int: people whose furthest step is exactly this one",
        "median_seconds_to_convert": "float|null", "average_seconds_to_convert": "float|null",
    }

    event: str
    users: int
    conversion_rate: float
    dropped: int
    median_seconds_to_convert: float | None
    average_seconds_to_convert: float | None


@dataclass(frozen=True)
class HistogramBin:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "start_seconds": "float", "end_seconds": "float", "users": "int"}

    start_seconds: float
    end_seconds: float
    users: int


@dataclass(frozen=True)
class FunnelBreakdown:
    value: str | None
    steps: tuple[FunnelStep, ...]


@dataclass(frozen=True)
class FunnelResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "steps": [FunnelStep.JSON_SHAPE],
        "histogram": [HistogramBin.JSON_SHAPE],
        "breakdown": [{"value": "str|null: null when the property is absent",
                       "steps": [FunnelStep.JSON_SHAPE]}],
        "dates": DATES_SHAPE,
    }

    steps: tuple[FunnelStep, ...]
    histogram: tuple[HistogramBin, ...] = ()
    breakdown: tuple[FunnelBreakdown, ...] = ()
    dates: DateRange | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": [asdict(s) for s in self.steps],
            "histogram": [asdict(b) for b in self.histogram],
            "breakdown": [
                {"value": b.value, "steps": [asdict(s) for s in b.steps]} for b in self.breakdown
            ],
            "dates": dates_json(self.dates),
        }


@dataclass(frozen=True)
class Cohort:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "start": "date: first day of the cohort's period", "users": "int",
        "retained": ["int: people retained k periods later, from k = 0"]}

    start: date
    users: int
    retained: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"start": _iso(self.start), "users": self.users, "retained": list(self.retained)}


@dataclass(frozen=True)
class RetentionBreakdown:
    value: str | None
    cohorts: tuple[Cohort, ...]


@dataclass(frozen=True)
class RetentionResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "period": "str: day, week or month", "cohorts": [Cohort.JSON_SHAPE],
        "breakdown": [{"value": "str|null", "cohorts": [Cohort.JSON_SHAPE]}],
        "dates": DATES_SHAPE}

    period: str
    cohorts: tuple[Cohort, ...]
    breakdown: tuple[RetentionBreakdown, ...] = ()
    dates: DateRange | None = None  # from the first cohort's first day

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "cohorts": [c.to_json() for c in self.cohorts],
            "breakdown": [
                {"value": b.value, "cohorts": [c.to_json() for c in b.cohorts]}
                for b in self.breakdown
            ],
            "dates": dates_json(self.dates),
        }


@dataclass(frozen=True)
class Point:
    t: date | datetime
    value: float | None


@dataclass(frozen=True)
class TrendSeries:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "label": "str: the event name or the formula",
        "breakdown": "str|null: the breakdown value; $other for the rest",
        "compare": "str: current, or previous when comparing periods",
        "points": [{"t": "date|datetime: the bucket start (date-time for hours)",
                    "value": "float|null"}]}

    label: str
    points: tuple[Point, ...]
    breakdown: str | None = None
    compare: str = "current"

    @property
    def total(self) -> float:
        return sum(p.value or 0 for p in self.points)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "breakdown": self.breakdown,
            "compare": self.compare,
            "points": [{"t": _iso(p.t), "value": p.value} for p in self.points],
        }


@dataclass(frozen=True)
class TrendResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "interval": "str", "series": [TrendSeries.JSON_SHAPE],
        "dates": DATES_SHAPE}

    interval: str
    series: tuple[TrendSeries, ...]
    dates: DateRange | None = None  # of the current period (the previous one ends before it)

    def to_json(self) -> dict[str, Any]:
        return {"interval": self.interval, "series": [s.to_json() for s in self.series],
                "dates": dates_json(self.dates)}


@dataclass(frozen=True)
class StickinessResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "interval": "str", "intervals": "int: buckets in the range",
        "counts": [{"active": "int: intervals active, 1 to intervals",
                    "users": "int: people active in exactly that many"}],
        "dates": DATES_SHAPE}

    interval: str
    intervals: int
    counts: tuple[tuple[int, int], ...]  # (number of intervals active, users)
    dates: DateRange | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "intervals": self.intervals,
            "counts": [{"active": k, "users": n} for k, n in self.counts],
            "dates": dates_json(self.dates),
        }


@dataclass(frozen=True)
class LifecyclePeriod:
    t: date | datetime
    new: int
    returning: int
    resurrecting: int
    dormant: int


@dataclass(frozen=True)
class LifecycleResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "interval": "str",
        "periods": [{"t": "date|datetime", "new": "int", "returning": "int",
                     "resurrecting": "int", "dormant": "int"}],
        "dates": DATES_SHAPE}

    interval: str
    periods: tuple[LifecyclePeriod, ...]
    dates: DateRange | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "periods": [{**asdict(p), "t": _iso(p.t)} for p in self.periods],
            "dates": dates_json(self.dates),
        }


@dataclass(frozen=True)
class PathStep:
    step: int
    events: tuple[tuple[str, int], ...]  # (event, users), most users first


@dataclass(frozen=True)
class PathsResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "event": "str", "direction": "str: after or before",
        "users": "int: people who did the event",
        "steps": [{"step": "int", "events": [{"event": "str", "users": "int"}]}],
        "dates": DATES_SHAPE}

    event: str
    direction: str
    users: int
    steps: tuple[PathStep, ...]
    dates: DateRange | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "direction": self.direction,
            "users": self.users,
            "steps": [
                {"step": s.step, "events": [{"event": e, "users": n} for e, n in s.events]}
                for s in self.steps
            ],
            "dates": dates_json(self.dates),
        }


@dataclass(frozen=True)
class SqlResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "columns": ["str"], "rows": [[
            "any: dates, times and intervals as ISO 8601 text, decimals (sum() of integers too) "
            "as numbers, BLOBs as hexadecimal text, NaN and infinities as null"]],
        "truncated": "bool: more rows than the limit"}

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "rows": [[sql_cell(v) for v in row] for row in self.rows],
            "truncated": self.truncated,
        }


def sql_cell(value: Any) -> Any:
    """A value DuckDB returned, as JSON can hold it (lists, structs and maps cell by cell)."""
    if isinstance(value, datetime):  # to the microsecond, unlike a bucket's start
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, timedelta):
        return _duration(0, value.days, (value.seconds * 10**6 + value.microseconds) * 1000)
    if type(value).__name__ == "MonthDayNano":  # Arrow's interval: (months, days, nanoseconds)
        return _duration(*value)
    if isinstance(value, dict):
        return {str(k): sql_cell(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sql_cell(v) for v in value]
    return value


def _decimal(value: Decimal) -> int | float | None:
    if not value.is_finite():
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _duration(months: int, days: int, nanoseconds: int) -> str:
    """An interval as ISO 8601 (``P1M2DT3.5S``); DuckDB keeps months, days and time apart."""
    seconds = format(Decimal(nanoseconds).scaleb(-9).normalize(), "f")
    return f"P{months}M{days}DT{seconds}S"


@dataclass(frozen=True)
class VariantSums:
    """One variant's units (``None``: units seen in several variants), the epoch seconds of its
    first and last exposure, and per metric the sum and the sum of squares of unit values."""

    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "variant": "str|null: null for units seen in several variants", "units": "int",
        "first_exposed": "float: epoch seconds", "last_exposed": "float: epoch seconds",
        "sums": ["float: per metric"], "squares": ["float: per metric"]}

    variant: str | None
    units: int
    first_exposed: float
    last_exposed: float
    sums: tuple[float, ...]
    squares: tuple[float, ...]


@dataclass(frozen=True)
class ExperimentResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "variants": [VariantSums.JSON_SHAPE]}

    variants: tuple[VariantSums, ...]  # sorted by name, mixed units last

    def to_json(self) -> dict[str, Any]:
        return {"variants": [asdict(v) for v in self.variants]}


@dataclass(frozen=True)
class MetricResult:
    """A metric's value (``None`` without people) over ``n`` people; with ``per_user``, each
    person and their value. ``sql`` (and ``users_sql`` for the people) is the statement the
    engine ran over the ``events`` view, so any number shown can be re-run as it was."""

    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "value": "float|null", "n": "int", "sql": "str", "users": ["str"],
        "values": ["float"], "users_sql": "str"}

    value: float | None
    n: int
    sql: str
    users: tuple[str, ...] = ()
    values: tuple[float, ...] = ()
    users_sql: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SpanResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "first": "datetime|null", "last": "datetime|null"}

    first: datetime | None
    last: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"first": self.first and self.first.isoformat(),
                "last": self.last and self.last.isoformat()}


@dataclass(frozen=True)
class UserRetentionResult:
    JSON_SHAPE: ClassVar[dict[str, Any]] = {
        "days": "int", "users": [{"distinct_id": "str", "retained": "bool"}]}

    days: int
    users: tuple[str, ...]
    retained: tuple[bool, ...]

    def by_user(self) -> dict[str, bool]:
        return dict(zip(self.users, self.retained, strict=True))

    def to_json(self) -> dict[str, Any]:
        pairs = zip(self.users, self.retained, strict=True)
        return {"days": self.days,
                "users": [{"distinct_id": u, "retained": r} for u, r in pairs]}


Result = (
    FunnelResult
    | RetentionResult
    | TrendResult
    | StickinessResult
    | LifecycleResult
    | PathsResult
    | SqlResult
    | ExperimentResult
    | MetricResult
    | SpanResult
    | UserRetentionResult
)
