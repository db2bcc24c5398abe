"""The trend rule, case by case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from needle.themes.trend import direction, trend, week_starts


@pytest.mark.parametrize(("counts", "expected"), [
    ([0, 0, 0, 0, 0, 0, 0, 0], "unknown"),
    ([1, 1, 1, 1, 2, 2, 2, 2], "rising"),
    ([1, 1, 1, 1, 1, 2, 2, 1], "steady"),   # 1.5x but only 2 more
    ([0, 0, 0, 0, 0, 0, 0, 2], "steady"),   # too few to call
    ([5, 5, 5, 5, 3, 3, 3, 3], "falling"),
    ([5, 5, 5, 5, 4, 4, 4, 4], "steady"),
])
def test_direction(counts: list[int], expected: str) -> None:
    assert direction(counts) == expected


def test_weeks_start_on_mondays_and_end_with_the_newest() -> None:
    starts = week_starts(date(2026, 3, 12), 4)  # a Thursday
    assert starts == [date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]


def test_counts_fall_in_their_week_and_old_or_undated_are_ignored() -> None:
    newest = datetime(2026, 3, 12, tzinfo=UTC)
    moments = [newest, newest - timedelta(days=3), newest - timedelta(days=8),
               newest - timedelta(days=400), None]
    found = trend(moments, newest.date(), weeks=4)
    assert found.counts == [0, 0, 1, 2]
    assert found.to_json()["weeks"][-1] == {"week_start": "2026-03-09", "count": 2}


def test_no_dated_evidence_is_unknown() -> None:
    assert trend([None], None).direction == "unknown"
