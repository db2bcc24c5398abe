"""Query specs: frozen values that say what to compute, never how.

Every engine compiles the same specs, so a spec holds only plain data (strings, numbers, dates,
tuples). :func:`needle.analytics.validate.validate` checks one before an engine runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

FilterOp = Literal["=", "!=", ">", ">=", "<", "<=", "~", "set", "not_set"]
FunnelMode = Literal["ordered", "strict", "unordered"]
Interval = Literal["hour", "day", "week", "month"]
Period = Literal["day", "week", "month"]
Direction = Literal["after", "before"]
Measure = Literal[
    "events", "users", "per_user_avg", "sum", "avg", "min", "max", "median", "p90", "p95", "p99"
]
PROPERTY_MEASURES = ("sum", "avg", "min", "max", "median", "p90", "p95", "p99")
WINDOW_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class PropertyFilter:
    """``key op value`` on an event property, or on a person property (``person=True``).

    A person property is the value the person's most recent event set with ``$set``, else
    the first one set with ``$set_once``.
    """

    key: str
    op: FilterOp = "="
    value: str = ""
    person: bool = False


@dataclass(frozen=True)
class DateRange:
    """Inclusive UTC dates; ``None`` ends are taken from the data."""

    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Step:
    """One funnel step or trend series event: a name (``None`` = any event) plus filters."""

    event: str | None
    filters: tuple[PropertyFilter, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """An event that voids an attempt when it happens between steps ``after`` and ``before``."""

    step: Step
    after: int = 1
    before: int = 0  # 0 means the last step


@dataclass(frozen=True)
class FunnelQuery:
    steps: tuple[Step, ...]
    window_seconds: int = 14 * 86400
    mode: FunnelMode = "ordered"
    dates: DateRange = field(default_factory=DateRange)
    filters: tuple[PropertyFilter, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    breakdown: str | None = None
    histogram_bins: int = 10


@dataclass(frozen=True)
class RetentionQuery:
    start: Step
    returning: Step  # Step(None) means any event
    period: Period = "week"
    periods: int = 8
    recurring: bool = False
    on_or_after: bool = False
    dates: DateRange = field(default_factory=DateRange)
    filters: tuple[PropertyFilter, ...] = ()
    breakdown: str | None = None


@dataclass(frozen=True)
class Series:
    step: Step
    measure: Measure = "events"
    property: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class TrendQuery:
    series: tuple[Series, ...]
    interval: Interval = "day"
    dates: DateRange = field(default_factory=DateRange)
    filters: tuple[PropertyFilter, ...] = ()
    breakdown: str | None = None
    breakdown_limit: int = 10
    formula: str | None = None
    compare: bool = False


@dataclass(frozen=True)
class StickinessQuery:
    step: Step
    interval: Interval = "day"
    dates: DateRange = field(default_factory=DateRange)
    filters: tuple[PropertyFilter, ...] = ()


@dataclass(frozen=True)
class LifecycleQuery:
    step: Step
    interval: Interval = "day"
    dates: DateRange = field(default_factory=DateRange)
    filters: tuple[PropertyFilter, ...] = ()


@dataclass(frozen=True)
class PathsQuery:
    event: str
    direction: Direction = "after"
    steps: int = 3
    top: int = 5
    dates: DateRange = field(default_factory=DateRange)
    filters: tuple[PropertyFilter, ...] = ()


@dataclass(frozen=True)
class SqlQuery:
    sql: str
    limit: int = 1000


@dataclass(frozen=True)
class Exposure:
    """Which variant each unit saw: its first ``event`` (with ``filters``, each an event property
    equal to a value) carrying ``variant_property``. Units seen in several variants are mixed."""

    event: str
    variant_property: str
    filters: tuple[tuple[str, str], ...] = ()


UnitMetricKind = Literal["conversion", "count", "sum", "retention"]


@dataclass(frozen=True)
class UnitMetric:
    """One value per exposed unit from its exposure on: 1 if ``event`` happens within ``days``
    (conversion), how many (count), a numeric ``property_name`` added up (sum), or 1 if it
    happens on day ``days`` after exposure (retention, the window [days, days + 1))."""

    kind: UnitMetricKind
    event: str
    days: float | None = None
    property_name: str | None = None

    @property
    def binary(self) -> bool:
        return self.kind in ("conversion", "retention")


@dataclass(frozen=True)
class ExperimentQuery:
    """Per-variant sufficient statistics (units, sums, sums of squares) of per-unit metrics."""

    exposure: Exposure
    metrics: tuple[UnitMetric, ...]


CohortMetricKind = Literal["conversion", "median_days", "per_user"]


@dataclass(frozen=True)
class CohortMetric:
    """A metric over the people of a range of days: ``conversion`` (share of those whose first
    ``event`` falls in the range doing ``then`` within ``within_days``), ``median_days`` (from
    that first ``event`` to the first ``then``, converters only), ``per_user`` (``event``s per
    person active in the range)."""

    kind: CohortMetricKind
    event: str
    then: str | None = None
    within_days: int | None = None


@dataclass(frozen=True)
class MetricQuery:
    """A cohort metric over ``dates`` (both days inclusive): its value and population, and with
    ``per_user`` each person's own value."""

    metric: CohortMetric
    dates: DateRange
    per_user: bool = False


@dataclass(frozen=True)
class SpanQuery:
    """The first and last moment holding an event."""


@dataclass(frozen=True)
class UserRetentionQuery:
    """Whether each person had any event ``days`` days or more after their first. People first
    seen less than ``days`` days before the last event cannot be judged yet and are left out."""

    days: int = 30


Query = (
    FunnelQuery
    | RetentionQuery
    | TrendQuery
    | StickinessQuery
    | LifecycleQuery
    | PathsQuery
    | SqlQuery
    | ExperimentQuery
    | MetricQuery
    | SpanQuery
    | UserRetentionQuery
)
