"""Reading timestamps as DuckDB SQL, so that millions of values parse in one vectorised pass.

The rules (docs/events.md says the same):

- ISO-8601 with a zone or offset (``2024-05-22T17:09:29.220Z``, ``...+02:00``): that instant.
- ISO-8601 without a zone (``2024-05-22 17:09:29``): wall time in the workspace ``timezone``.
- A date alone (``2024-05-22``, or the basic form ``20240522``): midnight UTC of that day.
- A number (epoch): read by magnitude, since no export says which unit it uses. Below 1e11 it
  is seconds (1e11 s is the year 5138), below 1e14 milliseconds, below 1e17 microseconds, else
  nanoseconds. An eight-digit integer is a basic-form date, not seconds (those would all fall in
  1970-1973).
- Typed columns (Parquet, JSON numbers): a timestamp with a zone is kept, one without a zone is
  wall time in ``timezone``, a date is midnight UTC, a number follows the epoch rule.

Times are accepted from 1970-01-01 up to (not including) 2200-01-01 UTC. Readable times outside
that range are typos or placeholders (year 1, 9999, a negative epoch), and they would break every
date range a query builds from the data's first and last day.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from needle.errors import UserError

EARLIEST = "1970-01-01"
LATEST = "2200-01-01"
RANGE = f"{EARLIEST} to {LATEST} (UTC)"

_EPOCH = (
    "CASE WHEN abs({v}) < 1e19 THEN to_timestamp(({v}) / CASE WHEN abs({v}) < 1e11 THEN 1 "
    "WHEN abs({v}) < 1e14 THEN 1e3 WHEN abs({v}) < 1e17 THEN 1e6 ELSE 1e9 END) END"
)
# The same rule for a BIGINT, in integers: a double cannot hold nanoseconds since 1970 exactly.
_EPOCH_INTEGER = (
    "timezone('UTC', make_timestamp(CASE WHEN {v} BETWEEN -99999999999 AND 99999999999 "
    "THEN {v} * 1000000 WHEN {v} BETWEEN -99999999999999 AND 99999999999999 THEN {v} * 1000 "
    "WHEN {v} BETWEEN -99999999999999999 AND 99999999999999999 THEN {v} ELSE {v} // 1000 END))"
)


def set_timezone(con: duckdb.DuckDBPyConnection, timezone: str) -> None:
    """Make ``timezone`` the zone of zone-less wall times on ``con``."""
    try:
        con.execute(f"SET TimeZone = '{timezone.replace(chr(39), '')}'")
    except duckdb.Error:
        raise UserError(
            f"setting timezone: unknown time zone {timezone!r}; use a name like Europe/Berlin"
        ) from None


def text_time_sql(text: str) -> str:
    """SQL turning the text expression ``text`` into a TIMESTAMPTZ, NULL when unreadable."""
    epoch = _EPOCH.format(v=f"TRY_CAST({text} AS DOUBLE)")
    integer = f"TRY_CAST({text} AS BIGINT)"
    return (
        f"CASE WHEN contains({text}, ':') THEN TRY_CAST({text} AS TIMESTAMPTZ) "
        f"WHEN regexp_full_match({text}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN timezone('UTC', TRY_CAST({text} AS DATE)::TIMESTAMP) "
        f"WHEN regexp_full_match({text}, '[0-9]{{8}}') "
        f"THEN timezone('UTC', try_strptime({text}, '%Y%m%d')) "
        f"WHEN regexp_full_match({text}, '-?[0-9]+') AND {integer} IS NOT NULL "
        f"THEN {_EPOCH_INTEGER.format(v=integer)} "
        f"WHEN regexp_full_match({text}, '-?[0-9]+([.][0-9]+)?') THEN {epoch} "
        f"ELSE TRY_CAST({text} AS TIMESTAMPTZ) END"
    )


def typed_time_sql(column: str, kind: pa.DataType) -> str | None:
    """SQL for a typed (non-text) column, or None when the column holds text."""
    if pa.types.is_timestamp(kind):
        return f"CAST({column} AS TIMESTAMPTZ)"  # also microseconds from nanoseconds
    if pa.types.is_date(kind):
        return f"timezone('UTC', {column}::TIMESTAMP)"
    if pa.types.is_integer(kind):
        return _EPOCH_INTEGER.format(v=f"TRY_CAST({column} AS BIGINT)")
    if pa.types.is_floating(kind):
        return _EPOCH.format(v=f"{column}::DOUBLE")
    return None


def in_range_sql(moment: str) -> str:
    """SQL that is true when the TIMESTAMPTZ expression ``moment`` is in the accepted range."""
    return (f"({moment} >= TIMESTAMPTZ '{EARLIEST} 00:00:00+00' AND "
            f"{moment} < TIMESTAMPTZ '{LATEST} 00:00:00+00')")
