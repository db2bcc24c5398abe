"""Numbers and moments as tables and sentences show them to people, the same in every face.

Counts are integers (``3,687``, never ``3,687.0``); probabilities and p-values have three
significant digits, and the ones too close to 0 or 1 for that to mean anything read ``< 0.001``
and ``> 0.999``; moments are shown to the second, in UTC. ``--json`` keeps full precision: these
are for reading, not for computing.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

SMALLEST = 0.001  # probabilities below this (or this close to 1) are shown as a bound


def count(n: float) -> str:
    """An integer with thousands separators."""
    return f"{round(n):,}"


def number(x: float | None) -> str:
    """A measured value: whole numbers as counts, others to four significant digits (one
    decimal from 100 up); empty for no value."""
    if x is None:
        return ""
    if not math.isfinite(x):
        return str(x)
    if float(x).is_integer():
        return count(x)
    return f"{x:,.1f}" if abs(x) >= 100 else f"{x:.4g}"


def probability(p: float | None) -> str:
    """A p-value or a chance, to three significant digits; ``-`` for none. Exactly 0 or 1 is
    shown as the bound too: computed chances reach them only by rounding."""
    if p is None or not math.isfinite(p):
        return "-"
    if p < SMALLEST:
        return f"< {SMALLEST:g}"
    if p > 1 - SMALLEST:
        return f"> {1 - SMALLEST:g}"
    return f"{p:#.3g}"


def effect(x: float | None) -> str:
    """A signed difference, to three significant digits; ``-`` for none."""
    return "-" if x is None else f"{x:+.3g}"


def percent(x: float | None) -> str:
    """A signed share as a percentage with one decimal; ``-`` for none."""
    return "-" if x is None else f"{x * 100:+.1f}%"


def moment(value: datetime | date | str | None) -> str:
    """A date as ``YYYY-MM-DD``; a time to the second, ``UTC`` when it has a zone (a zoned time
    is converted); ISO text is read first. Empty for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value) == 10
                     else datetime.fromisoformat(value))
        except ValueError:
            return str(value)
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
