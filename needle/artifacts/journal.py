"""The decision journal: what was decided, by whom, on what data, and later what came of it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.links import Link
from needle.artifacts.models import Artifact
from needle.errors import UserError

SPRINT_DAYS = 14
IMPORTANCE = range(1, 6)  # 1 (minor) to 5 (major)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def week_of(day: date) -> Period:
    """Monday to Sunday; the last week of the calendar ends on its last day."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=min(6, (date.max - monday).days)))


def sprint_ending(day: date, days: int = SPRINT_DAYS) -> Period:
    """The ``days`` up to ``day``; the first sprint of the calendar starts on its first day."""
    return Period(day - timedelta(days=min(days - 1, (day - date.min).days)), day)


def day(text: str | None, today: date) -> date:
    """A day written YYYY-MM-DD; ``today`` when none is given."""
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"day {text!r}: write it as YYYY-MM-DD", field="decided_on",
                        value=text) from None


def log(session: Session, title: str, who: str, fields: Mapping[str, Any],
        links: Iterable[Link], today: date) -> Artifact:
    """Log a decision: decided by ``who`` and on ``today`` unless the fields say otherwise."""
    importance = 3 if fields.get("importance") is None else int(fields["importance"])
    if importance not in IMPORTANCE:
        raise UserError(f"importance {importance}: use 1 (minor) to 5 (major)",
                        field="importance", value=importance)
    values = {**fields, "decided_by": fields.get("decided_by") or who,
              "decided_on": day(fields.get("decided_on"), today).isoformat(),
              "importance": importance}
    return store.create(session, "decision", title, who, values, links)


def decided_on(decision: Artifact) -> date:
    value = decision.fields.get("decided_on")
    return date.fromisoformat(value) if value else store.as_utc(decision.created_at).date()


def in_period(session: Session, period: Period) -> list[Artifact]:
    found = [d for d in store.list_all(session, "decision") if decided_on(d) in period]
    return sorted(found, key=lambda d: (decided_on(d), d.id))


def top(session: Session, period: Period, count: int) -> list[Artifact]:
    """The most important decisions of the period, then the best-informed, then the latest."""
    def key(d: Artifact) -> tuple[Any, ...]:
        return (-(d.fields.get("importance") or 3), -len(d.links), -decided_on(d).toordinal())

    return sorted(in_period(session, period), key=key)[:count]


def informed_by(decision: Artifact) -> str:
    """What data informed a decision, or a plain note that none did."""
    if not decision.links:
        return "no data linked: decided on judgement"
    return ", ".join(f"{link.kind}:{link.reference}" for link in decision.links)
