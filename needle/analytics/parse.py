"""Text forms shared by the CLI, saved insights and the Python API: ``7d`` and ``plan=pro``."""

from __future__ import annotations

import re
from datetime import date

from needle.analytics.specs import WINDOW_UNITS, DateRange, PropertyFilter
from needle.errors import UserError

_WINDOW = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_FILTER = re.compile(r"^(person\.)?([^=!<>~?]+?)\s*(!=|>=|<=|=|>|<|~|\?|!\?)\s*(.*)$")
_OPS = {"?": "set", "!?": "not_set"}


def parse_window(text: str) -> int:
    """``30m``, ``12h``, ``7d`` or ``2w`` as seconds."""
    match = _WINDOW.match(text)
    if not match or int(match.group(1)) <= 0:
        raise UserError(f"window {text!r}: write a positive number and a unit m, h, d or w (7d)",
                        field="window", value=text)
    return int(match.group(1)) * WINDOW_UNITS[match.group(2)]


def parse_filter(text: str) -> PropertyFilter:
    """``key=value``, ``key!=v``, ``key>3``, ``key~part``, ``key?`` (set); ``person.key=v``."""
    match = _FILTER.match(text.strip())
    if not match:
        raise UserError(f"filter {text!r}: write key=value (ops = != > >= < <= ~ ? !?)")
    person, key, op, value = match.groups()
    if op in ("?", "!?") and value:
        raise UserError(f"filter {text!r}: '{op}' takes no value")
    return PropertyFilter(key.strip(), _OPS.get(op, op), value, person=bool(person))  # type: ignore[arg-type]


def parse_date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what} {text!r}: write a date as YYYY-MM-DD", field=what,
                        value=text) from None


def parse_dates(start: str | None, end: str | None) -> DateRange:
    return DateRange(parse_date(start, "start"), parse_date(end, "end"))
