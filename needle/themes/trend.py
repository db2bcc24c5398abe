"""Weekly counts of a theme and whether it is rising, steady or falling.

Rule (simple on purpose, so a person can check it by hand): take the last ``weeks`` whole weeks
ending at the newest dated evidence in the workspace; compare the second half with the first half.
Rising when the later half has at least 1.5 times as many pieces and at least 3 more; falling when
the earlier half has at least 1.5 times as many and at least 3 more; otherwise steady. Themes with
no dated evidence in the window are ``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

WEEKS = 8
RATIO = 1.5
MIN_CHANGE = 3


@dataclass(frozen=True)
class Trend:
    direction: str
    week_starts: list[date]
    counts: list[int]

    def to_json(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "weeks": [
                {"week_start": start.isoformat(), "count": count}
                for start, count in zip(self.week_starts, self.counts, strict=True)
            ],
        }


def week_starts(newest: date, weeks: int = WEEKS) -> list[date]:
    """Mondays of the last ``weeks`` weeks, the week holding ``newest`` last."""
    last = newest - timedelta(days=newest.weekday())
    return [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def trend(moments: Iterable[datetime | None], newest: date | None, weeks: int = WEEKS) -> Trend:
    """The trend of one theme from its evidence timestamps."""
    if newest is None:
        return Trend("unknown", [], [])
    starts = week_starts(newest, weeks)
    counts = [0] * weeks
    for moment in moments:
        if moment is None:
            continue
        offset = (moment.date() - starts[0]).days // 7
        if 0 <= offset < weeks:
            counts[offset] += 1
    return Trend(direction(counts), starts, counts)


def direction(counts: list[int]) -> str:
    half = len(counts) // 2
    earlier, later = sum(counts[:half]), sum(counts[half:])
    if earlier + later == 0:
        return "unknown"
    if later >= RATIO * earlier and later - earlier >= MIN_CHANGE:
        return "rising"
    if earlier >= RATIO * later and earlier - later >= MIN_CHANGE:
        return "falling"
    return "steady"
