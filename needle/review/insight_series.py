"""A saved insight's series as points to score: a trend insight with one series."""

from __future__ import annotations

from datetime import date, datetime

from needle.analytics.results import Result, TrendResult
from needle.errors import UserError


def trend_points(name: str, result: Result) -> tuple[list[datetime | date], list[float]]:
    """The bucket starts and values of the insight's one current series (empty buckets as 0)."""
    if not isinstance(result, TrendResult):
        raise UserError(f"insight {name!r} is not a trend; anomalies are scored on a trend "
                        "insight's series", field="insight", value=name)
    current = [s for s in result.series if s.compare == "current"]
    if len(current) != 1:
        raise UserError(f"insight {name!r} has {len(current)} series; anomalies need a trend "
                        "with one series and no breakdown", field="insight", value=name)
    points = current[0].points
    return [p.t for p in points], [float(p.value or 0.0) for p in points]
