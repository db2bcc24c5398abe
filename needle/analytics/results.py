"""Results: plain dataclasses whose ``to_json()`` is the stable shape of ``--json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any


def _iso(t: date | datetime) -> str:
    """Dates as ``YYYY-MM-DD``; hourly buckets as ISO date-times with ``Z``."""
    if isinstance(t, datetime):
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.isoformat()


@dataclass(frozen=True)
class FunnelStep:
    event: str
    users: int
    conversion_rate: float
    dropped: int
    median_seconds_to_convert: float | None
    average_seconds_to_convert: float | None


@dataclass(frozen=True)
class HistogramBin:
    start_seconds: float
    end_seconds: float
    users: int


@dataclass(frozen=True)
class FunnelBreakdown:
    value: str | None
    steps: tuple[FunnelStep, ...]


@dataclass(frozen=True)
class FunnelResult:
    steps: tuple[FunnelStep, ...]
    histogram: tuple[HistogramBin, ...] = ()
    breakdown: tuple[FunnelBreakdown, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": [asdict(s) for s in self.steps],
            "histogram": [asdict(b) for b in self.histogram],
            "breakdown": [
                {"value": b.value, "steps": [asdict(s) for s in b.steps]} for b in self.breakdown
            ],
        }


@dataclass(frozen=True)
class Cohort:
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
    period: str
    cohorts: tuple[Cohort, ...]
    breakdown: tuple[RetentionBreakdown, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "cohorts": [c.to_json() for c in self.cohorts],
            "breakdown": [
                {"value": b.value, "cohorts": [c.to_json() for c in b.cohorts]}
                for b in self.breakdown
            ],
        }


@dataclass(frozen=True)
class Point:
    t: date | datetime
    value: float | None


@dataclass(frozen=True)
class TrendSeries:
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
    interval: str
    series: tuple[TrendSeries, ...]

    def to_json(self) -> dict[str, Any]:
        return {"interval": self.interval, "series": [s.to_json() for s in self.series]}


@dataclass(frozen=True)
class StickinessResult:
    interval: str
    intervals: int
    counts: tuple[tuple[int, int], ...]  # (number of intervals active, users)

    def to_json(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "intervals": self.intervals,
            "counts": [{"active": k, "users": n} for k, n in self.counts],
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
    interval: str
    periods: tuple[LifecyclePeriod, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "periods": [{**asdict(p), "t": _iso(p.t)} for p in self.periods],
        }


@dataclass(frozen=True)
class PathStep:
    step: int
    events: tuple[tuple[str, int], ...]  # (event, users), most users first


@dataclass(frozen=True)
class PathsResult:
    event: str
    direction: str
    users: int
    steps: tuple[PathStep, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "direction": self.direction,
            "users": self.users,
            "steps": [
                {"step": s.step, "events": [{"event": e, "users": n} for e, n in s.events]}
                for s in self.steps
            ],
        }


@dataclass(frozen=True)
class SqlResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        def cell(v: Any) -> Any:
            return _iso(v) if isinstance(v, date | datetime) else v

        return {
            "columns": list(self.columns),
            "rows": [[cell(v) for v in row] for row in self.rows],
            "truncated": self.truncated,
        }


Result = (
    FunnelResult
    | RetentionResult
    | TrendResult
    | StickinessResult
    | LifecycleResult
    | PathsResult
    | SqlResult
)
