"""Daily metric series read from the event lake through the analytics engine (SQL on ``events``).

Days are UTC calendar days. Every series covers ``first``..``last`` inclusive, a zero for a day
without events, so a series is regular and the detector can learn its weekly cycle.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from needle.analytics.engine import Engine, run
from needle.analytics.results import SqlResult
from needle.analytics.specs import SqlQuery

_DAY = "(timestamp AT TIME ZONE 'UTC')::DATE"
_MAX_ROWS = 1_000_000


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _between(first: date, last: date) -> str:
    return (f"timestamp >= TIMESTAMPTZ '{first} 00:00:00+00:00' AND timestamp < "
            f"TIMESTAMPTZ '{last + timedelta(days=1)} 00:00:00+00:00'")


def rows(engine: Engine, sql: str) -> tuple[tuple[Any, ...], ...]:
    result = run(engine, SqlQuery(sql, limit=_MAX_ROWS))
    assert isinstance(result, SqlResult)
    return result.rows


def _index(first: date, day: Any) -> int:
    return (date.fromisoformat(str(day)[:10]) - first).days


def event_counts(engine: Engine, first: date, last: date) -> dict[str, np.ndarray]:
    """Events per day, for every event name seen in the range."""
    out: dict[str, np.ndarray] = {}
    size = (last - first).days + 1
    for event, day, count in rows(engine, f"SELECT event, {_DAY} AS day, count(*) FROM events "
                                          f"WHERE {_between(first, last)} GROUP BY 1, 2"):
        out.setdefault(str(event), np.zeros(size))[_index(first, day)] = count
    return out


def people_active(engine: Engine, first: date, last: date) -> np.ndarray:
    """Distinct people with any event, per day."""
    out = np.zeros((last - first).days + 1)
    for day, count in rows(engine, f"SELECT {_DAY} AS day, count(DISTINCT distinct_id) FROM "
                                   f"events WHERE {_between(first, last)} GROUP BY 1"):
        out[_index(first, day)] = count
    return out


def step_conversion(engine: Engine, entry: str, goal: str, window_seconds: int,
                    first: date, last: date) -> tuple[np.ndarray, np.ndarray]:
    """People whose first ``entry`` fell on each day, and how many of them did ``goal`` within
    ``window_seconds`` after it."""
    entered = np.zeros((last - first).days + 1)
    converted = np.zeros_like(entered)
    sql = (f"WITH a AS (SELECT distinct_id, min(timestamp) AS t FROM events WHERE event = "
           f"{quote(entry)} GROUP BY 1), b AS (SELECT distinct_id, timestamp AS t FROM events "
           f"WHERE event = {quote(goal)}), hit AS (SELECT a.distinct_id, a.t, "
           f"bool_or(b.t IS NOT NULL) AS done FROM a LEFT JOIN b ON a.distinct_id = b.distinct_id "
           f"AND b.t >= a.t AND b.t <= a.t + INTERVAL {int(window_seconds)} SECOND GROUP BY 1, 2) "
           f"SELECT (t AT TIME ZONE 'UTC')::DATE AS day, count(*), count(*) FILTER (WHERE done) "
           f"FROM hit WHERE t >= TIMESTAMPTZ '{first} 00:00:00+00:00' AND t < "
           f"TIMESTAMPTZ '{last + timedelta(days=1)} 00:00:00+00:00' GROUP BY 1")
    for day, n, done in rows(engine, sql):
        entered[_index(first, day)], converted[_index(first, day)] = n, done
    return entered, converted


def property_changes(engine: Engine, event: str, day: date, baseline: list[date],
                     max_values: int = 50) -> list[tuple[str, str | None, float, float]]:
    """For each property of ``event`` with at most ``max_values`` values: every value's count on
    ``day`` and its mean count over the ``baseline`` days, as (property, value, now, before)."""
    wanted = ", ".join(f"DATE '{d}'" for d in [day, *baseline])
    sql = (f"WITH e AS (SELECT {_DAY} AS day, properties FROM events WHERE event = "
           f"{quote(event)} AND {_DAY} IN ({wanted})), kv AS (SELECT day, key, "
           f"json_extract_string(properties, '$.\"' || key || '\"') AS value FROM (SELECT day, "
           f"properties, unnest(json_keys(properties)) AS key FROM e)), counted AS (SELECT key, "
           f"value, count(*) FILTER (WHERE day = DATE '{day}') AS now, count(*) FILTER (WHERE day "
           f"<> DATE '{day}') / {len(baseline)}.0 AS before, count(*) OVER (PARTITION BY key) AS "
           f"n_values FROM kv GROUP BY 1, 2) SELECT key, value, now, before FROM counted WHERE "
           f"n_values <= {int(max_values)} ORDER BY key, value")
    return [(str(k), None if v is None else str(v), float(n), float(b))
            for k, v, n, b in rows(engine, sql)]
