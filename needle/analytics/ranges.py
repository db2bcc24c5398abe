"""The days a query covers, filled in once before any engine runs it.

A spec may leave either end of its range open: the end is then the last day with events (today
when there are none) and the start a default distance before it, which each kind declares in
the registry (:mod:`needle.analytics.kinds`, ``Kind.first_day``). :func:`resolve` makes both
ends explicit, so every engine answers the same days and every face can say which days those
were. Days outside :data:`EARLIEST`..:data:`LATEST` are refused: bucket arithmetic on them
would leave the calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from needle.analytics.periods import DEFAULT_DAYS, step, truncate
from needle.analytics.specs import DateRange
from needle.errors import InternalError, UserError

FUNNEL_DAYS = 30
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)

FirstDay = Callable[[Any, date], date]  # (query, last day) -> default first day


class StartAfterData(UserError):
    """A range with only a start, and that start after the last day with events."""

    def __init__(self, start: date, last: date, has_events: bool) -> None:
        self.start = start
        self.last = last
        where = (f"the last day with events ({last})" if has_events
                 else f"today ({last}; there are no events)")
        super().__init__(f"the range starts on {start}, after {where}; give its last day too",
                         field="start", value=start.isoformat())


class OutOfCalendar(UserError):
    """A day a query cannot cover (given, or taken from events far outside the usual times)."""

    def __init__(self, what: str, day: date, field: str | None = None) -> None:
        self.day = day
        super().__init__(f"{what} {day} is outside the days queries cover "
                         f"({EARLIEST} to {LATEST})", field=field, value=day.isoformat())


def days_back(days: int) -> FirstDay:
    """The first day of a default range of ``days`` days ending on the last day."""
    return lambda _query, last: last - timedelta(days=days - 1)


def by_interval(query: Any, last: date) -> date:
    """The first day of the default range for the query's interval (a week of days, ...)."""
    return last - timedelta(days=DEFAULT_DAYS[query.interval] - 1)


def cohorts_back(query: Any, last: date) -> date:
    """The first day of the earliest of ``periods`` cohorts, the last one holding ``last``."""
    moment = datetime.combine(truncate(last, query.period), datetime.min.time())
    return step(moment, query.period, -(query.periods - 1)).date()


def check_day(day: date | None, what: str, field: str | None = None) -> None:
    """Refuse a day outside :data:`EARLIEST`..:data:`LATEST`."""
    if day is not None and not EARLIEST <= day <= LATEST:
        raise OutOfCalendar(what, day, field)


def resolve(query: Any, first_day: FirstDay, data_days: tuple[date, date] | None,
            today: date) -> Any:
    """``query`` with both ends of its range set (the same query when both already are)."""
    dates: DateRange = query.dates
    if dates.start is not None and dates.end is not None:
        return query
    last = dates.end
    if last is None:
        last = data_days[1] if data_days else today
        check_day(last, "the last day with events" if data_days else "today")
        if dates.start is not None and dates.start > last:
            raise StartAfterData(dates.start, last, data_days is not None)
    first = dates.start or first_day(query, last)
    return replace(query, dates=DateRange(first, last))


def bounds(dates: DateRange) -> tuple[date, date]:
    """Both ends of a range :func:`resolve` filled in (engines see no other)."""
    if dates.start is None or dates.end is None:
        raise InternalError(f"a query reached an engine with an open range {dates}")
    return dates.start, dates.end
