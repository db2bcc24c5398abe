"""Spark hands instants to Python in the local time zone; Needle's are naive UTC, so results
travel as microseconds since 1970 and become datetimes here."""

from __future__ import annotations

from datetime import datetime, timedelta

_EPOCH = datetime(1970, 1, 1)


def from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)
