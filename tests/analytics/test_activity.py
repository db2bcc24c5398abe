"""Stickiness, lifecycle, paths and SQL on hand-made events."""

from __future__ import annotations

from datetime import date

import pytest

from needle.analytics.engine import run
from needle.analytics.specs import (
    DateRange,
    LifecycleQuery,
    PathsQuery,
    SqlQuery,
    Step,
    StickinessQuery,
)
from needle.errors import UserError
from tests.analytics.conftest import D, H, ev

DAYS = DateRange(date(2024, 1, 1), date(2024, 1, 4))
ROWS = [
    ev("u", "x", 0),
    ev("u", "x", H),
    ev("u", "x", D),
    ev("u", "x", 3 * D),  # days 1, 2, 4
    ev("v", "x", D),
    ev("v", "y", D + H),
    ev("v", "z", D + 2 * H),  # day 2
    ev("w", "x", -30 * D),
    ev("w", "x", 2 * D),  # December, then day 3
]


def test_stickiness(engine_for) -> None:
    result = run(engine_for(ROWS), StickinessQuery(Step("x"), "day", DAYS))
    assert result.counts == ((1, 2), (2, 0), (3, 1), (4, 0))


def test_lifecycle(engine_for) -> None:
    result = run(engine_for(ROWS), LifecycleQuery(Step("x"), "day", DAYS))
    table = [(p.new, p.returning, p.resurrecting, p.dormant) for p in result.periods]
    assert table == [
        (1, 0, 0, 0),  # u new
        (1, 1, 0, 0),  # v new, u returning
        (0, 0, 1, 2),  # w resurrecting (seen in December); u and v dormant
        (0, 0, 1, 1),  # u resurrecting; w dormant
    ]


def test_paths_after_and_before(engine_for) -> None:
    engine = engine_for(ROWS)
    after = run(engine, PathsQuery("x", "after", 2, 5, DAYS))
    assert after.users == 3
    assert [s.events for s in after.steps] == [(("x", 1), ("y", 1)), (("x", 1), ("z", 1))]
    before = run(engine, PathsQuery("z", "before", 2, 5, DAYS))
    assert [s.events for s in before.steps] == [(("y", 1),), (("x", 1),)]


def test_sql_reads_the_events_view(engine_for) -> None:
    result = run(
        engine_for(ROWS),
        SqlQuery("SELECT event, count(*) AS n FROM events GROUP BY 1 ORDER BY 1", limit=2),
    )
    assert result.to_json() == {
        "columns": ["event", "n"],
        "rows": [["x", 7], ["y", 1]],
        "truncated": True,
    }


@pytest.mark.parametrize(
    "sql",
    [
        "DROP VIEW events",
        "CREATE TABLE t AS SELECT 1",
        "COPY (SELECT 1) TO 'x.csv'",
        "SELECT 1; DROP VIEW events",
        "ATTACH 'x.db'",
        "SELEC 1",
    ],
)
def test_sql_is_read_only(engine_for, sql: str) -> None:
    engine = engine_for(ROWS)
    assert run(engine, SqlQuery("SELECT count(*) FROM events")).rows == ((9,),)
    with pytest.raises(UserError, match="SQL"):
        run(engine, SqlQuery(sql))
    assert run(engine, SqlQuery("SELECT count(*) FROM events")).rows == ((9,),)
