"""Spec parsing, validation and the stored form of specs."""

from __future__ import annotations

from datetime import date

import pytest

from needle.analytics import builders as api
from needle.analytics.codec import decode, encode, kind_of
from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.engine import UnsupportedQuery, run
from needle.analytics.kinds import build as build_spec
from needle.analytics.parse import parse_filter, parse_window
from needle.analytics.specs import FunnelQuery, PropertyFilter, Step
from needle.errors import UserError


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600)]
)
def test_windows(text: str, seconds: int) -> None:
    assert parse_window(text) == seconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plan=pro", PropertyFilter("plan", "=", "pro")),
        ("n>=3", PropertyFilter("n", ">=", "3")),
        ("plan!=free", PropertyFilter("plan", "!=", "free")),
        ("url~docs", PropertyFilter("url", "~", "docs")),
        ("email?", PropertyFilter("email", "set", "")),
        ("person.plan=pro", PropertyFilter("plan", "=", "pro", person=True)),
    ],
)
def test_filters(text: str, expected: PropertyFilter) -> None:
    assert parse_filter(text) == expected


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: build_spec("funnel", steps=["a"]), "2 to 20 steps"),
        (lambda: build_spec("funnel", steps=["a", "b"], window="7x"), "window"),
        (lambda: build_spec("funnel", steps=["a", "b"], mode="sideways"), "funnel mode"),
        (lambda: build_spec("funnel", steps=["a", "a"], mode="unordered"), "distinct"),
        (lambda: build_spec("funnel", steps=["a", "b"], start="2024-02-01", end="2024-01-01"),
         "ends first"),
        (lambda: build_spec("funnel", steps=["a", "b"], step_where=["3:x=1"]), "STEP"),
        (lambda: build_spec("retention", start_event="a", periods=53), "1 to 52"),
        (lambda: build_spec("retention", start_event="a", period="hour"), "period"),
        (lambda: build_spec("trend", events=["a"], measure="sum"), "property is needed"),
        (lambda: build_spec("trend", events=["a", "b"], formula="A/C"), "no series C"),
        (lambda: build_spec("trend", events=["a"], formula="__import__('os')"), "formula"),
        (lambda: build_spec("trend", events=["a"], where=["n>abc"]), "number"),
        # Not numbers a property can hold; they used to reach the SQL and end in a traceback.
        (lambda: build_spec("trend", events=["a"], where=["n>inf"]), "compare with a number"),
        (lambda: build_spec("trend", events=["a"], where=["n<=NaN"]), "compare with a number"),
        (lambda: build_spec("funnel", steps=["a", "b"], step_where=["2:n>1e999"]),
         "compare with a number"),
    ],
)
def test_invalid_specs_say_what_to_fix(build, message: str) -> None:
    with pytest.raises(UserError, match=message):
        build()


def test_specs_are_frozen() -> None:
    q = api.funnel_query(["a", "b"])
    with pytest.raises(AttributeError):
        q.mode = "strict"  # type: ignore[misc]


@pytest.mark.parametrize(
    "query",
    [
        api.funnel_query(
            ["a", "b"], "7d", "strict", "2024-01-01", None, ["p=1"], ["2:q>3"], ["x:1-2"], "src"
        ),
        api.retention_query(
            "a", "b", "month", 12, True, True, None, "2024-05-01", ["person.plan=pro"]
        ),
        api.trend_query(["a", "any"], "p95", "amount", "hour", formula="A/B", compare=True),
        api.stickiness_query("a", "week"),
        api.lifecycle_query("a", "month"),
        api.paths_query("a", "before", 4, 3),
        api.sql_query("SELECT 1", 5),
    ],
)
def test_codec_round_trip(query) -> None:
    assert decode(kind_of(query), encode(query)) == query


def test_engine_refuses_undeclared_capability(tmp_path) -> None:
    engine = DuckDBEngine([])
    engine.capabilities = engine.capabilities - {"funnel.strict"}  # type: ignore[misc]
    q = FunnelQuery((Step("a"), Step("b")), 60, mode="strict")
    with pytest.raises(UnsupportedQuery, match=r"funnel\.strict"):
        run(engine, q)
    assert run(engine, FunnelQuery((Step("a"), Step("b")), 60)).steps[0].users == 0
    engine.close()


def test_dates_accept_text_and_dates() -> None:
    assert api.dates("2024-01-02", date(2024, 1, 3)).start == date(2024, 1, 2)
