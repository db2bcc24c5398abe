"""What to know before trusting an answer that looks fine: an event name the data does not hold
(with the nearest one it does), a range that holds no events, an empty lake, a retention whose
range holds no cohort. Each would otherwise read as a true zero.

Notes never stop a query; faces word them (the CLI prints one warning line each on stderr, the
web app shows them above the result). Checking names needs only the data's event names, which
the event index keeps.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from needle.analytics import kinds
from needle.analytics.results import RetentionResult
from needle.analytics.specs import DateRange

UNKNOWN_EVENT = "unknown-event"
EMPTY_LAKE = "empty-lake"
NO_EVENTS_IN_RANGE = "no-events-in-range"
NO_COHORT = "no-cohort"


@dataclass(frozen=True)
class Note:
    """One thing to know about an answer: ``code`` names the case, ``message`` says it in domain
    words; ``value`` is the name at fault and ``suggestion`` the nearest known one, if any;
    ``hint`` is a next-action code as on :class:`needle.errors.UserError`."""

    code: str
    message: str
    value: str | None = None
    suggestion: str | None = None
    hint: str | None = None


def nearest(name: str, known: Collection[str]) -> str | None:
    """The known name closest to ``name`` (same letters in another case first), if any is close."""
    folded = {k.casefold(): k for k in sorted(known)}
    if name.casefold() in folded:
        return folded[name.casefold()]
    found = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else None


def unknown_event(name: str, known: Collection[str]) -> Note:
    suggestion = nearest(name, known)
    also = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return Note(UNKNOWN_EVENT, f"unknown event {name!r}{also}", name, suggestion)


def unknown_events(query: Any, known: Collection[str]) -> list[Note]:
    """A note per event name ``query`` reads that no event in the data has."""
    return [unknown_event(n, known) for n in kinds.event_names(query) if n not in known]


def _range_note(dates: DateRange | None, data_days: tuple[date, date]) -> list[Note]:
    if dates is None or dates.start is None or dates.end is None:
        return []
    first, last = data_days
    if dates.end >= first and dates.start <= last:
        return []
    return [Note(NO_EVENTS_IN_RANGE, f"no events between {dates.start} and {dates.end}; the "
                                     f"events run from {first} to {last}")]


def _cohort_note(query: Any, result: Any) -> list[Note]:
    if not isinstance(result, RetentionResult) or any(c.users for c in result.cohorts):
        return []
    dates = result.dates
    within = f" between {dates.start} and {dates.end}" if dates else ""
    return [Note(NO_COHORT, f"no cohort: nobody did {query.start.event!r}{within}",
                 query.start.event)]


def notes(query: Any, result: Any, known: Collection[str],
          data_days: tuple[date, date] | None) -> list[Note]:
    """What to know about ``result``, the answer to ``query``, given the data's event names and
    days. The first cause found is enough: a range without events also holds no cohort."""
    kind = kinds.of(query)
    if kind.events is None and kind.first_day is None:
        return []  # SQL reads what it reads
    if not known or data_days is None:
        return [Note(EMPTY_LAKE, "the event lake is empty", hint="import-events")]
    found = unknown_events(query, known) + _range_note(getattr(result, "dates", None), data_days)
    return found or _cohort_note(query, result)
