"""Trends on hand-made events."""

from __future__ import annotations

from datetime import date

import pytest

from needle.analytics.engine import run
from needle.analytics.specs import DateRange, PropertyFilter, Series, Step, TrendQuery
from needle.events.lake import EventLake
from tests.analytics.conftest import ENGINES, D, H, ev, table

DAYS = DateRange(date(2024, 1, 1), date(2024, 1, 3))
ROWS = [
    ev("u", "pay", 0, {"amount": 10, "plan": "pro"}),
    ev("u", "pay", H, {"amount": 30, "plan": "pro"}),
    ev("v", "pay", D, {"amount": 5, "plan": "free"}),
    ev("w", "pay", D + H, {"amount": "n/a", "plan": "team"}),
    ev("u", "view", 0),
    ev("v", "view", 2 * D),
    # 2024-01-03T23:30-05:00 is 04:30 on Jan 4 in UTC: outside the range
    ("x", "pay", "2024-01-03T23:30:00-05:00", {"amount": 99}),
]


def values(result, label: str, compare: str = "current") -> list:
    series = [s for s in result.series if s.label == label and s.compare == compare]
    assert len(series) == 1
    return [p.value for p in series[0].points]


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("events", [2, 2, 0]),
        ("users", [1, 2, 0]),
        ("per_user_avg", [2.0, 1.0, 0]),
        ("sum", [40.0, 5.0, 0]),
        ("avg", [20.0, 5.0, None]),
        ("min", [10.0, 5.0, None]),
        ("max", [30.0, 5.0, None]),
        ("median", [20.0, 5.0, None]),
        ("p90", [28.0, 5.0, None]),
    ],
)
def test_measures(engine_for, measure: str, expected: list) -> None:
    prop = None if measure in ("events", "users", "per_user_avg") else "amount"
    q = TrendQuery((Series(Step("pay"), measure, prop),), "day", DAYS)
    assert values(run(engine_for(ROWS), q), "pay") == expected


# Text spelling infinity or NaN is not a number: read as one, it made a bucket's sum NaN on the
# SQL path and infinite on the index, and a filter `amount>0` take it.
WORDS = [ev("u", "pay", 0, {"amount": 10}), ev("v", "pay", H, {"amount": "inf"}),
         ev("w", "pay", 2 * H, {"amount": "NaN"}), ev("x", "pay", 3 * H, {"amount": "-Infinity"})]


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("measure", ["sum", "avg", "min", "max", "median"])
def test_words_for_infinity_and_nan_are_not_numbers(tmp_path, engine: str, measure: str) -> None:
    lake = EventLake(tmp_path / "lake")
    lake.append(table(WORDS))
    built = ENGINES[engine](lake.files(), tmp_path / "cache")
    day = DateRange(date(2024, 1, 1), date(2024, 1, 1))
    q = TrendQuery((Series(Step("pay"), measure, "amount"),), "day", day)
    assert values(run(built, q), "pay") == [10.0]
    q = TrendQuery((Series(Step("pay")),), "day", day, (PropertyFilter("amount", ">", "0"),))
    assert values(run(built, q), "pay") == [1]
    built.close()


def test_hourly_points_are_date_times(engine_for) -> None:
    q = TrendQuery((Series(Step("pay")),), "hour", DateRange(date(2024, 1, 1), date(2024, 1, 1)))
    result = run(engine_for(ROWS), q)
    points = result.to_json()["series"][0]["points"]
    assert len(points) == 24
    assert points[:2] == [
        {"t": "2024-01-01T00:00:00Z", "value": 1},
        {"t": "2024-01-01T01:00:00Z", "value": 1},
    ]


def test_weeks_start_monday_and_months(engine_for) -> None:
    rows = [
        ev("u", "e", 6 * D),
        ev("u", "e", 7 * D),
        ev("u", "e", 31 * D),
    ]  # Sun 7th, Mon 8th, Feb 1
    week = TrendQuery((Series(Step("e")),), "week", DateRange(date(2024, 1, 1), date(2024, 1, 14)))
    month = TrendQuery(
        (Series(Step("e")),), "month", DateRange(date(2024, 1, 1), date(2024, 2, 29))
    )
    engine = engine_for(rows)
    assert run(engine, week).to_json()["series"][0]["points"] == [
        {"t": "2024-01-01", "value": 1},
        {"t": "2024-01-08", "value": 1},
    ]
    assert values(run(engine, month), "e") == [2, 1]


def test_several_series_and_formula(engine_for) -> None:
    q = TrendQuery((Series(Step("pay")), Series(Step("view"), "users")), "day", DAYS, formula="A/B")
    result = run(engine_for(ROWS), q)
    assert values(result, "view") == [1, 0, 1]
    assert values(result, "A/B") == [2.0, None, 0.0]


def test_filter_and_breakdown_top_and_other(engine_for) -> None:
    q = TrendQuery((Series(Step("pay")),), "day", DAYS, breakdown="plan", breakdown_limit=1)
    result = run(engine_for(ROWS), q)
    assert {s.breakdown: [p.value for p in s.points] for s in result.series} == {
        "pro": [2, 0, 0],
        "$other": [0, 2, 0],
    }
    only_pro = TrendQuery(
        (Series(Step("pay")),), "day", DAYS, filters=(PropertyFilter("plan", "~", "PR"),)
    )
    assert values(run(engine_for(ROWS), only_pro), "pay") == [2, 0, 0]


def test_compare_previous_period(engine_for) -> None:
    rows = [*ROWS, ev("z", "pay", -D), ev("z", "pay", -2 * D)]  # Dec 31 and Dec 30
    q = TrendQuery((Series(Step("pay")),), "day", DAYS, compare=True)
    result = run(engine_for(rows), q)
    assert values(result, "pay", "previous") == [0, 1, 1]
    previous = next(s for s in result.to_json()["series"] if s["compare"] == "previous")
    assert previous["points"][0]["t"] == "2023-12-29"


def test_empty_lake(engine_for) -> None:
    q = TrendQuery((Series(Step("pay")),), "day", DAYS)
    assert values(run(engine_for([]), q), "pay") == [0, 0, 0]
