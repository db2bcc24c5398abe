"""Every documented way of writing a time, read to the instant an independent parser gives."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from needle.events.mapping import EventMapping
from needle.events.normalise import to_events
from needle.io.tables import ReadOptions, read_table

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


CASES = [
    ("2024-05-22T17:09:29.220Z", "UTC", datetime(2024, 5, 22, 17, 9, 29, 220000, UTC)),
    ("2024-05-22T17:09:29+02:00", "UTC", datetime(2024, 5, 22, 15, 9, 29, tzinfo=UTC)),
    ("2024-05-22 17:09:29", "UTC", datetime(2024, 5, 22, 17, 9, 29, tzinfo=UTC)),
    ("2024-05-22 17:09:29", "Europe/Berlin", datetime(2024, 5, 22, 17, 9, 29, tzinfo=BERLIN)),
    ("2024-01-22T17:09:29.123456", "Europe/Berlin",
     datetime(2024, 1, 22, 17, 9, 29, 123456, tzinfo=BERLIN)),
    # Clocks going back repeat 02:00-03:00: the later (standard time) is meant, zoneinfo's fold=1.
    ("2024-10-27 02:30:00", "Europe/Berlin", datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN, fold=1)),
    # Clocks going forward skip 02:00-03:00: a time in it moves on by the hour skipped.
    ("2024-03-31 02:30:00", "Europe/Berlin", datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),
    ("2024-05-22", "Europe/Berlin", datetime(2024, 5, 22, tzinfo=UTC)),
    ("20240522", "UTC", datetime(2024, 5, 22, tzinfo=UTC)),
    ("1716397769", "UTC", EPOCH + timedelta(seconds=1716397769)),
    ("1716397769.5", "UTC", EPOCH + timedelta(seconds=1716397769.5)),
    ("1716397769220", "UTC", EPOCH + timedelta(milliseconds=1716397769220)),
    ("1716397769220123", "UTC", EPOCH + timedelta(microseconds=1716397769220123)),
    # Nanoseconds are cut to the microsecond, as a Parquet nanosecond time is; exactly, which a
    # double (53 bits) cannot do.
    ("1716397769220123999", "UTC", EPOCH + timedelta(microseconds=1716397769220123)),
    ("1716397769220123456", "UTC", EPOCH + timedelta(microseconds=1716397769220123)),
    ("7258118399", "UTC", datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC)),  # the last second
    ("100000000000", "UTC", EPOCH + timedelta(milliseconds=100000000000)),
    ("86400", "UTC", EPOCH + timedelta(days=1)),
]


@pytest.mark.parametrize(("text", "zone", "expected"), CASES)
def test_time_text_becomes_the_documented_instant(write, text, zone, expected):
    path = write("e.csv", f"user_id,event,timestamp\nu1,seen,{text}\n")
    found = to_events(read_table(path, ReadOptions()), EventMapping(), zone, False)
    assert found.bad == []
    assert _iso(found.events["timestamp"][0].as_py()) == _iso(expected)
