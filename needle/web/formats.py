"""Numbers as people read them on a page: percentages, durations, integers, short p-values.

Registered as Jinja filters; nothing here is truncated, only rounded for reading.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

MISSING = "\u2013"  # an en dash: no value


def pct(value: float | None, digits: int = 1) -> str:
    return MISSING if value is None else f"{value * 100:.{digits}f}%"


def count(value: float | None) -> str:
    return MISSING if value is None else f"{round(value):,}"


def number(value: float | None) -> str:
    if value is None:
        return MISSING
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.1f}"


def duration(seconds: float | None) -> str:
    """``3.2 h``, ``1.5 d``: the unit people think in for the size."""
    if seconds is None:
        return MISSING
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def pvalue(value: float | None) -> str:
    """Three significant digits; below 0.001 as ``< 0.001``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return "< 0.001" if value < 0.001 else f"{value:.3g}"


def when(value: Any) -> str:
    """Dates as dates, times to the second, never microseconds."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


FILTERS = {"pct": pct, "count": count, "number": number, "duration": duration,
           "pvalue": pvalue, "when": when}
