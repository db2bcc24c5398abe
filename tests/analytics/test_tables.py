"""Result tables read as people expect: counts as integers, times to the second, and a title
with the days the answer covers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from needle.analytics import kinds, tables
from needle.analytics.results import (
    Cohort,
    FunnelResult,
    FunnelStep,
    LifecyclePeriod,
    LifecycleResult,
    MetricResult,
    Point,
    RetentionResult,
    SpanResult,
    SqlResult,
    TrendResult,
    TrendSeries,
)
from needle.analytics.specs import DateRange

WEEK = DateRange(date(2024, 1, 1), date(2024, 1, 7))
MOMENT = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _trend(*values: float | None, t: date | datetime = date(2024, 1, 1)) -> TrendResult:
    return TrendResult("day", (TrendSeries("visit", tuple(Point(t, v) for v in values)),),
                       dates=WEEK)


@pytest.mark.parametrize(("result", "rows"), [
    (_trend(3687, 3687.0, 0), [("2024-01-01", "3,687"), ("2024-01-01", "3,687"),
                               ("2024-01-01", "0")]),
    (_trend(2.5, 1234.56, None), [("2024-01-01", "2.5"), ("2024-01-01", "1,234.6"),
                                  ("2024-01-01", "")]),
    (_trend(1.0, t=datetime(2024, 1, 1, 5)), [("2024-01-01 05:00:00", "1")]),
    (FunnelResult((FunnelStep("visit", 1200, 1.0, 200, None, None),
                   FunnelStep("signup", 1000, 0.8333, 1000, 3600.0, 4000.25)), dates=WEEK),
     [(1, "visit", "1,200", "100.0%", "200", "", ""),
      (2, "signup", "1,000", "83.3%", "1,000", "3,600", "4,000.2")]),
    (RetentionResult("week", (Cohort(date(2024, 1, 1), 1500, (1500, 700)),), dates=WEEK),
     [("2024-01-01", "1,500", "1,500", "700")]),
    (LifecycleResult("day", (LifecyclePeriod(date(2024, 1, 1), 1234, 5, 0, 2),), dates=WEEK),
     [("2024-01-01", "1,234", "5", "0", "2")]),
    (SqlResult(("t", "d", "n"), ((MOMENT, date(2024, 1, 2), 3.5),), False),
     [("2024-01-02 03:04:05 UTC", "2024-01-02", 3.5)]),
    (SpanResult(MOMENT, None), [("2024-01-02 03:04:05 UTC", "")]),
    (MetricResult(0.41234, 1234, "SELECT 1"), [("0.4123", "1,234")]),
])
def test_rows_read_as_people_expect(result: object, rows: list[tuple]) -> None:
    table = kinds.of_result(result).table
    assert table is not None
    assert [tuple(r) for r in table(result).rows] == rows


@pytest.mark.parametrize(("dates", "title"), [
    (WEEK, "2024-01-01 to 2024-01-07 (UTC)"),
    (DateRange(date(2024, 1, 7), date(2024, 1, 7)), "2024-01-07 (UTC)"),
    (None, None),
])
def test_titles_say_the_days(dates: DateRange | None, title: str | None) -> None:
    assert tables.trend(TrendResult("day", (), dates=dates)).title == title
