"""Funnels on hand-made events; every expected count is worked out by hand in the comment."""

from __future__ import annotations

from datetime import date

import pytest

from needle.analytics.engine import funnel_people, run
from needle.analytics.specs import DateRange, Exclusion, FunnelQuery, PropertyFilter, Step
from tests.analytics.conftest import D, H, ev

JAN = DateRange(date(2024, 1, 1), date(2024, 1, 31))


def funnel(*names: str, window: int = D * 60, **options) -> FunnelQuery:
    return FunnelQuery(
        tuple(Step(n) for n in names), window, dates=options.pop("dates", JAN), **options
    )


ABC = ("a", "b", "c")
CASES = {
    # all three at the same instant: ties are allowed
    "ties": ([ev("u", "a", 0), ev("u", "b", 0), ev("u", "c", 0)], ABC, {}, [1, 1, 1]),
    # b happened before a: no step 2 after the only start
    "out of order": ([ev("u", "b", 0), ev("u", "a", H), ev("u", "c", 2 * H)], ABC, {}, [1, 0, 0]),
    # b exactly one window after a: the window is inclusive
    "window edge in": ([ev("u", "a", 0), ev("u", "b", D)], ("a", "b"), {}, [1, 1]),
    "window edge out": ([ev("u", "a", 0), ev("u", "b", D + 1 / 60)], ("a", "b"), {}, [1, 0]),
    # the first start expires; the second occurrence of a starts a full conversion
    "later start": (
        [
            ev("u", "a", 0),
            ev("u", "a", 3 * D),
            ev("u", "b", 3 * D + H),
            ev("u", "c", 3 * D + 2 * H),
        ],
        ABC,
        {},
        [1, 1, 1],
    ),
    # furthest step over all starts: the first start reaches b, the second reaches c
    "furthest": (
        [
            ev("u", "a", 0),
            ev("u", "b", H),
            ev("u", "a", 5 * D),
            ev("u", "b", 5 * D + H),
            ev("u", "c", 5 * D + 2 * H),
        ],
        ABC,
        {},
        [1, 1, 1],
    ),
    # c before b and again after b: the c after b counts
    "step after step": (
        [ev("u", "a", 0), ev("u", "c", H), ev("u", "b", 2 * H), ev("u", "c", 3 * H)],
        ABC,
        {},
        [1, 1, 1],
    ),
    # a user without the start event is in no step
    "no start": ([ev("u", "b", 0), ev("u", "c", H)], ABC, {}, [0, 0, 0]),
    # repeated step: one a cannot be both step 1 and step 2
    "repeated once": ([ev("u", "a", 0), ev("u", "b", H)], ("a", "a", "b"), {}, [1, 0, 0]),
    # two a at the same instant are two events: both steps, then b
    "repeated tie": (
        [ev("u", "a", 0), ev("u", "a", 0), ev("u", "b", 0)],
        ("a", "a", "b"),
        {},
        [1, 1, 1],
    ),
    # a, then a again with no b between: the second a cannot be step 3 without a step 2
    "repeat after a missed step": (
        [ev("u", "a", 0), ev("u", "a", H)], ("a", "b", "a"), {}, [1, 0, 0]),
    # empty date range: no starts
    "empty range": (
        [ev("u", "a", 0), ev("u", "b", H)],
        ("a", "b"),
        {"dates": DateRange(date(2024, 3, 1), date(2024, 3, 2))},
        [0, 0],
    ),
    # 23:30 at UTC-5 is 04:30 the next day in UTC: a start on Jan 2, not Jan 1
    "time zone in": (
        [("u", "a", "2024-01-01T23:30:00-05:00"), ("u", "b", "2024-01-02T05:00:00+00:00")],
        ("a", "b"),
        {"dates": DateRange(date(2024, 1, 2), date(2024, 1, 2))},
        [1, 1],
    ),
    "time zone out": (
        [("u", "a", "2024-01-01T23:30:00-05:00"), ("u", "b", "2024-01-02T05:00:00+00:00")],
        ("a", "b"),
        {"dates": DateRange(date(2024, 1, 1), date(2024, 1, 1))},
        [0, 0],
    ),
    # the start must be in range; later steps may fall after the range's end
    "finish after range": (
        [ev("u", "a", 30 * D + 23 * H), ev("u", "b", 31 * D + H)],
        ("a", "b"),
        {},
        [1, 1],
    ),
    # strict: another event between a and b breaks the attempt
    "strict broken": (
        [ev("u", "a", 0), ev("u", "x", H), ev("u", "b", 2 * H)],
        ("a", "b"),
        {"mode": "strict"},
        [1, 0],
    ),
    "ordered ignores others": (
        [ev("u", "a", 0), ev("u", "x", H), ev("u", "b", 2 * H)],
        ("a", "b"),
        {},
        [1, 1],
    ),
    "strict clean": ([ev("u", "a", 0), ev("u", "b", H)], ("a", "b"), {"mode": "strict"}, [1, 1]),
    # strict: events at the same time follow each other by uuid (here, the order listed)
    "strict tie in order": ([ev("u", "a", 0), ev("u", "b", 0)], ("a", "b"), {"mode": "strict"},
                            [1, 1]),
    "strict tie out of order": (
        [ev("u", "b", 0), ev("u", "a", 0), ev("u", "x", 0)], ("a", "b"), {"mode": "strict"},
        [1, 0],
    ),
    # strict: every start is followed; a later one may complete
    "strict later start": (
        [ev("u", "a", 0), ev("u", "x", H), ev("u", "a", 2 * H), ev("u", "b", 3 * H)],
        ("a", "b"), {"mode": "strict"}, [1, 1],
    ),
    "strict window": ([ev("u", "a", 0), ev("u", "b", 2 * H)], ("a", "b"),
                      {"mode": "strict", "window": 3600}, [1, 0]),
    "strict one event": ([ev("u", "a", 0), ev("v", "b", 0)], ("a", "b"), {"mode": "strict"},
                         [1, 0]),
    "strict repeated step": (
        [ev("u", "a", 0), ev("u", "a", H), ev("u", "b", 2 * H)], ("a", "a", "b"),
        {"mode": "strict"}, [1, 1, 1],
    ),
    # unordered: all three steps in reverse order, inside one window
    "unordered reverse": (
        [ev("u", "c", 0), ev("u", "b", H), ev("u", "a", 2 * H)],
        ABC,
        {"mode": "unordered"},
        [1, 1, 1],
    ),
    "unordered window": (
        [ev("u", "c", 0), ev("u", "b", 2 * D), ev("u", "a", 2 * D + H)],
        ABC,
        {"mode": "unordered"},
        [1, 1, 0],
    ),
    # x between steps 1 and 2 voids the attempt; the next start after x converts
    "exclusion voids": (
        [ev("u", "a", 0), ev("u", "x", H), ev("u", "b", 2 * H)],
        ("a", "b"),
        {"exclusions": (Exclusion(Step("x"), 1, 2),)},
        [0, 0],
    ),
    "exclusion next start": (
        [ev("u", "a", 0), ev("u", "x", H), ev("u", "a", 3 * H), ev("u", "b", 4 * H)],
        ("a", "b"),
        {"exclusions": (Exclusion(Step("x"), 1, 2),)},
        [1, 1],
    ),
    "exclusion after window": (
        [ev("u", "a", 0), ev("u", "b", H), ev("u", "x", 2 * H)],
        ("a", "b"),
        {"exclusions": (Exclusion(Step("x"), 1, 2),)},
        [1, 1],
    ),
    # global filter on every step
    "filter": (
        [
            ev("u", "a", 0, {"p": "1"}),
            ev("u", "b", H, {"p": "2"}),
            ev("v", "a", 0, {"p": "1"}),
            ev("v", "b", H, {"p": "1"}),
        ],
        ("a", "b"),
        {"filters": (PropertyFilter("p", "=", "1"),)},
        [2, 1],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_funnel_case(engine_for, name: str) -> None:
    rows, steps, options, expected = CASES[name]
    result = run(engine_for(rows), funnel(*steps, **options))
    assert [s.users for s in result.steps] == expected


def test_per_step_filter(engine_for) -> None:
    rows = [
        ev("u", "a", 0),
        ev("u", "b", H, {"plan": "free"}),
        ev("v", "a", 0),
        ev("v", "b", H, {"plan": "pro"}),
    ]
    q = FunnelQuery(
        (Step("a"), Step("b", (PropertyFilter("plan", "=", "pro"),))), D * 60, dates=JAN
    )
    assert [s.users for s in run(engine_for(rows), q).steps] == [2, 1]


def test_person_property_filter(engine_for) -> None:
    # u's latest $set of plan is pro (the older free is overwritten); v never set it
    rows = [
        ev("u", "$identify", 0, {"$set": {"plan": "free"}}),
        ev("u", "$identify", H, {"$set": {"plan": "pro"}}),
        ev("u", "a", 2 * H),
        ev("u", "b", 3 * H),
        ev("v", "a", 0),
        ev("v", "b", H),
    ]
    engine = engine_for(rows)
    pro = run(engine, funnel("a", "b", filters=(PropertyFilter("plan", "=", "pro", person=True),)))
    rest = run(
        engine, funnel("a", "b", filters=(PropertyFilter("plan", "!=", "pro", person=True),))
    )
    assert [s.users for s in pro.steps] == [1, 1]
    assert [s.users for s in rest.steps] == [1, 1]


def test_person_property_set_once(engine_for) -> None:
    # w: $set_once free, then $set_once team (ignored): free; x: $set pro wins over a later
    # $set_once free; y: $set_once team then $set pro: pro
    rows = [
        ev("w", "$identify", 0, {"$set_once": {"plan": "free"}}),
        ev("w", "$identify", H, {"$set_once": {"plan": "team"}}),
        ev("x", "$identify", 0, {"$set": {"plan": "pro"}}),
        ev("x", "$identify", H, {"$set_once": {"plan": "free"}}),
        ev("y", "$identify", 0, {"$set_once": {"plan": "team"}}),
        ev("y", "$identify", H, {"$set": {"plan": "pro"}}),
        *(ev(u, "a", 2 * H) for u in "wxy"),
    ]
    engine = engine_for(rows)
    for plan, users in (("free", 1), ("pro", 2), ("team", 0)):
        only = (PropertyFilter("plan", "=", plan, person=True),)
        assert run(engine, funnel("a", "a2", filters=only)).steps[0].users == users, plan


def test_time_to_convert_and_dropped(engine_for) -> None:
    # b after 1h, 2h and 4h: median 2h, mean 7/3 h; w never does b
    rows = [
        ev("u1", "a", 0),
        ev("u1", "b", H),
        ev("u2", "a", 0),
        ev("u2", "b", 2 * H),
        ev("u3", "a", 0),
        ev("u3", "b", 4 * H),
        ev("w", "a", 0),
    ]
    engine = engine_for(rows)
    q = funnel("a", "b")
    result = run(engine, q)
    first, second = result.steps
    assert (first.users, first.dropped, first.median_seconds_to_convert) == (4, 1, None)
    assert second.median_seconds_to_convert == 7200
    assert second.average_seconds_to_convert == pytest.approx(7 * 3600 / 3)
    assert second.conversion_rate == 0.75
    assert sum(b.users for b in result.histogram) == 3
    assert funnel_people(engine, q, 1) == ["w"]
    assert funnel_people(engine, q, 2, dropped=False) == ["u1", "u2", "u3"]


def test_time_to_convert_uses_latest_best_attempt(engine_for) -> None:
    # two attempts reach b: from a@0 (b@5h) and from a@4h (b@5h); the latest start counts
    rows = [ev("u", "a", 0), ev("u", "a", 4 * H), ev("u", "b", 5 * H)]
    result = run(engine_for(rows), funnel("a", "b"))
    assert result.steps[1].median_seconds_to_convert == 3600


def test_breakdown_by_start_property(engine_for) -> None:
    rows = [
        ev("u", "a", 0, {"src": "ads"}),
        ev("u", "b", H),
        ev("v", "a", 0, {"src": "seo"}),
        ev("w", "a", 0, {"src": "ads"}),
    ]
    result = run(engine_for(rows), funnel("a", "b", breakdown="src"))
    by_value = {b.value: [s.users for s in b.steps] for b in result.breakdown}
    assert by_value == {"ads": [2, 1], "seo": [1, 0]}
    assert [s.users for s in result.steps] == [3, 1]
