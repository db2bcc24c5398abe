"""Every date range, for every kind with one, gives an answer that says its days or one line
that says what is wrong: after the data, before it, around it, on an empty lake, off the
calendar. Both engines (SQL and the event index) run each case."""

from __future__ import annotations

from datetime import date

import pytest

from needle.analytics import kinds
from needle.analytics.engine import run
from needle.analytics.ranges import LATEST, OutOfCalendar, StartAfterData, resolve
from needle.analytics.specs import DateRange, TrendQuery
from needle.errors import UserError
from tests.analytics.conftest import D, H, ev

ROWS = [  # 2024-01-01 to 2024-01-10
    ev("u", "visit", 0, {"src": "ads", "n": 2}),
    ev("u", "signup", H),
    ev("v", "visit", D, {"src": "seo", "n": 3}),
    ev("v", "signup", 9 * D),
    ev("w", "visit", 8 * D),
]
FIRST, LAST = date(2024, 1, 1), date(2024, 1, 10)

# kind -> its options (the range comes from RANGES); several shapes of trend, since the index
# answers plain ones and SQL the rest.
QUERIES: dict[str, tuple[str, dict]] = {
    "funnel": ("funnel", {"steps": ["visit", "signup"]}),
    "funnel-strict": ("funnel", {"steps": ["visit", "signup"], "mode": "strict"}),
    "retention": ("retention", {"start_event": "visit"}),
    "retention-day": ("retention", {"start_event": "visit", "period": "day", "periods": 3}),
    "trend": ("trend", {"events": ["visit"]}),
    "trend-hour": ("trend", {"events": ["visit"], "interval": "hour"}),
    "trend-breakdown": ("trend", {"events": ["visit"], "breakdown": "src"}),
    "trend-compare": ("trend", {"events": ["visit"], "compare": True}),
    "trend-formula": ("trend", {"events": ["signup", "visit"], "formula": "A/B"}),
    "trend-sum": ("trend", {"events": ["visit"], "measure": "sum", "property": "n"}),
    "stickiness": ("stickiness", {"event": "visit"}),
    "lifecycle": ("lifecycle", {"event": "visit", "interval": "week"}),
    "paths": ("paths", {"event": "visit"}),
}
# name -> (options, what happens: the range answered, or the error class)
RANGES: dict[str, tuple[dict, tuple[str, str] | type[UserError]]] = {
    "default": ({}, ("*", "2024-01-10")),
    "inside": ({"start": "2024-01-02", "end": "2024-01-09"}, ("2024-01-02", "2024-01-09")),
    "from-after-data": ({"start": "2024-01-11"}, StartAfterData),
    "from-long-after": ({"start": "2030-06-01"}, StartAfterData),
    "both-after-data": ({"start": "2024-02-01", "end": "2024-02-03"},
                        ("2024-02-01", "2024-02-03")),
    "to-before-data": ({"end": "2023-12-01"}, ("*", "2023-12-01")),
    "both-before-data": ({"start": "2023-01-01", "end": "2023-01-05"},
                         ("2023-01-01", "2023-01-05")),
    "around-data": ({"start": "2023-12-01", "end": "2024-02-01"}, ("2023-12-01", "2024-02-01")),
    "one-day": ({"start": "2024-01-10", "end": "2024-01-10"}, ("2024-01-10", "2024-01-10")),
    "from-last-day": ({"start": "2024-01-10"}, ("2024-01-10", "2024-01-10")),
    "inverted": ({"start": "2024-01-05", "end": "2024-01-02"}, UserError),
    "year-1": ({"end": "0001-01-03"}, OutOfCalendar),
    "year-9999": ({"start": "9999-12-31", "end": "9999-12-31"}, OutOfCalendar),
}


def _expected_start(spec: object, wanted: str) -> tuple[str, ...]:
    """Retention answers whole periods, so its first day is that of the first cohort."""
    return ("*",) if wanted == "*" or getattr(spec, "period", "day") != "day" else (wanted,)


@pytest.mark.parametrize("range_name", list(RANGES))
@pytest.mark.parametrize("query_name", list(QUERIES))
def test_every_kind_answers_every_range_or_says_why(engine_for, query_name: str,
                                                    range_name: str) -> None:
    kind, options = QUERIES[query_name]
    given, expected = RANGES[range_name]
    engine = engine_for(ROWS)
    if isinstance(expected, type):
        with pytest.raises(expected) as caught:
            run(engine, kinds.build(kind, **options, **given))
        assert "\n" not in str(caught.value)
        return
    spec = kinds.build(kind, **options, **given)
    result = run(engine, spec)
    assert result.dates is not None and result.dates.start <= result.dates.end
    start, end = expected
    assert result.dates.end.isoformat() == end
    if _expected_start(spec, start) != ("*",):
        assert result.dates.start.isoformat() == start
    assert result.to_json()["dates"] == {"start": result.dates.start.isoformat(), "end": end}


@pytest.mark.parametrize("query_name", list(QUERIES))
def test_every_kind_answers_on_an_empty_lake(engine_for, query_name: str) -> None:
    kind, options = QUERIES[query_name]
    result = run(engine_for([]), kinds.build(kind, **options))
    assert result.dates is not None and result.dates.start <= result.dates.end


def test_start_after_data_names_the_last_day_with_events(engine_for) -> None:
    with pytest.raises(StartAfterData) as caught:
        run(engine_for(ROWS), kinds.build("trend", events=["visit"], start="2024-01-11"))
    assert caught.value.field == "start" and caught.value.last == LAST
    assert "2024-01-10" in str(caught.value)


@pytest.mark.parametrize(("interval", "start", "end", "ok"), [
    ("hour", "2024-01-01", "2036-12-31", False),
    ("hour", "2024-01-01", "2030-12-31", True),
    ("day", "1900-01-01", "2999-12-31", False),
    ("month", "1900-01-01", "2999-12-31", True),
])
def test_too_many_buckets_are_refused(interval: str, start: str, end: str, ok: bool) -> None:
    def build() -> object:
        return kinds.build("trend", events=["visit"], interval=interval, start=start, end=end)

    if ok:
        build()
    else:
        with pytest.raises(UserError, match="more than 100,000"):
            build()


def test_an_open_end_far_back_is_checked_once_filled_in(engine_for) -> None:
    with pytest.raises(UserError, match="more than"):
        run(engine_for(ROWS), kinds.build("trend", events=["visit"], interval="hour",
                                          start="1990-01-01"))


def test_last_day_with_events_off_the_calendar_is_one_line() -> None:
    spec = TrendQuery(())
    with pytest.raises(OutOfCalendar) as caught:
        resolve(spec, kinds.get("trend").first_day, (FIRST, date(9999, 12, 31)), FIRST)
    assert "9999-12-31" in str(caught.value) and str(LATEST) in str(caught.value)


def test_resolve_keeps_given_ends_and_fills_open_ones() -> None:
    first_day = kinds.get("trend").first_day
    assert first_day is not None
    spec = TrendQuery((), dates=DateRange(None, date(2024, 1, 7)))
    assert resolve(spec, first_day, (FIRST, LAST), FIRST).dates == DateRange(
        date(2024, 1, 1), date(2024, 1, 7))
    both = TrendQuery((), dates=DateRange(FIRST, LAST))
    assert resolve(both, first_day, None, FIRST) is both


def test_funnel_people_use_the_same_days_as_the_funnel(engine_for) -> None:
    from needle.analytics.engine import funnel_people

    engine = engine_for(ROWS)
    spec = kinds.build("funnel", steps=["visit", "signup"], start="2024-01-09")
    assert funnel_people(engine, spec, 1) == ["w"]
