"""Calendar buckets in UTC: truncation, stepping and the list of buckets a range covers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

DEFAULT_DAYS = {"hour": 1, "day": 7, "week": 56, "month": 182}


def truncate(day: date, unit: str) -> date:
    """The first day of the day/week (Monday)/month holding ``day``."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def step(moment: datetime, unit: str, n: int = 1) -> datetime:
    """``moment`` moved by ``n`` buckets of ``unit``."""
    if unit == "hour":
        return moment + timedelta(hours=n)
    if unit == "day":
        return moment + timedelta(days=n)
    if unit == "week":
        return moment + timedelta(weeks=n)
    months = moment.year * 12 + moment.month - 1 + n
    return moment.replace(year=months // 12, month=months % 12 + 1)


def buckets(first: date, last: date, unit: str) -> list[datetime]:
    """Start of every bucket from the one holding ``first`` to the one holding ``last``."""
    moment = datetime.combine(truncate(first, unit), datetime.min.time())
    end = datetime.combine(last, datetime.min.time()) + timedelta(days=1)
    out = []
    while moment < end:
        out.append(moment)
        moment = step(moment, unit)
    return out


def label(moment: datetime, unit: str) -> date | datetime:
    """Hourly buckets keep their time; the others are dates."""
    return moment if unit == "hour" else moment.date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def epoch_us(moment: datetime) -> int:
    """Microseconds since 1970 of a naive UTC datetime."""
    return (moment - datetime(1970, 1, 1)) // timedelta(microseconds=1)
