"""Retention on hand-made events; 2024-01-01 is a Monday."""

from __future__ import annotations

from datetime import date

import pytest

from needle.analytics.engine import run
from needle.analytics.specs import DateRange, RetentionQuery, Step
from tests.analytics.conftest import D, H, ev

JAN = DateRange(date(2024, 1, 1), date(2024, 1, 28))  # four Monday weeks

ROWS = [
    # u: cohort week 1; uses in week 1 and week 2 (not 3); again in week 4
    ev("u", "signup", 0),
    ev("u", "use", D),
    ev("u", "use", 8 * D),
    ev("u", "use", 22 * D),
    # v: cohort week 2 (Sunday 2024-01-14 23:00 is still week 2); uses in week 3
    ev("v", "signup", 13 * D + 23 * H),
    ev("v", "use", 14 * D),
    # w: signs up twice (weeks 1 and 3), never uses
    ev("w", "signup", 2 * D),
    ev("w", "signup", 15 * D),
    # x: uses without signing up: never in a cohort
    ev("x", "use", 0),
]


def cohorts(result) -> list[tuple[str, int, list[int]]]:
    return [(c.start.isoformat(), c.users, list(c.retained)) for c in result.cohorts]


def query(**options) -> RetentionQuery:
    return RetentionQuery(Step("signup"), Step("use"), "week", 4, dates=JAN, **options)


def test_first_time_in_period(engine_for) -> None:
    assert cohorts(run(engine_for(ROWS), query())) == [
        ("2024-01-01", 2, [1, 1, 0, 1]),
        ("2024-01-08", 1, [0, 1, 0]),
        ("2024-01-15", 0, [0, 0]),
        ("2024-01-22", 0, [0]),
    ]


def test_on_or_after(engine_for) -> None:
    assert cohorts(run(engine_for(ROWS), query(on_or_after=True)))[:2] == [
        ("2024-01-01", 2, [1, 1, 1, 1]),
        ("2024-01-08", 1, [1, 1, 0]),
    ]


def test_recurring_counts_every_start(engine_for) -> None:
    assert cohorts(run(engine_for(ROWS), query(recurring=True)))[2] == ("2024-01-15", 1, [0, 0])


def test_return_any_event_includes_the_start(engine_for) -> None:
    q = RetentionQuery(Step("signup"), Step(None), "week", 2, dates=JAN)
    assert cohorts(run(engine_for(ROWS), q))[0] == ("2024-01-01", 2, [2, 1])


@pytest.mark.parametrize(
    ("period", "first_cohorts"),
    [
        ("day", [("2024-01-01", 1, [1, 1]), ("2024-01-02", 0, [0, 0])]),
        ("month", [("2024-01-01", 3, [3])]),
    ],
)
def test_day_and_month_periods(engine_for, period: str, first_cohorts) -> None:
    q = RetentionQuery(Step("signup"), Step(None), period, 2, dates=JAN)
    assert cohorts(run(engine_for(ROWS), q))[: len(first_cohorts)] == first_cohorts


def test_breakdown_and_empty(engine_for) -> None:
    rows = [
        ev("u", "signup", 0, {"src": "ads"}),
        ev("u", "use", 8 * D),
        ev("v", "signup", 0, {"src": "seo"}),
    ]
    result = run(engine_for(rows), query())
    by_value = {b.value: cohorts(b)[0] for b in result.breakdown}
    assert by_value == {}
    split = run(engine_for(rows), query(breakdown="src"))
    assert {b.value: cohorts(b)[0] for b in split.breakdown} == {
        "ads": ("2024-01-01", 1, [0, 1, 0, 0]),
        "seo": ("2024-01-01", 1, [0, 0, 0, 0]),
    }
    empty = run(engine_for([]), query())
    assert [c.users for c in empty.cohorts] == [0, 0, 0, 0]
