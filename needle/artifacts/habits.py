"""The plan's habits, read from the data as streaks: a decision written each working day,
customer evidence read (cited on an artifact) each week, and the weekly review read each week.

A streak counts periods in a row that hold the habit, ending with the current period or the one
before it (today is not over yet); weekends neither break nor extend a daily streak.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.models import Artifact, ArtifactLink, AuditEntry

REVIEW_ACTION = "review"


def working_day(day: date) -> int:
    """Working days since 0001-01-01; a weekend day counts as the Friday before it."""
    return (day.toordinal() - 1) // 7 * 5 + min((day.toordinal() - 1) % 7, 4)


def week(day: date) -> int:
    return (day.toordinal() - 1) // 7


@dataclass(frozen=True)
class Habit:
    name: str
    label: str
    unit: str  # what one period is
    period: Callable[[date], int]
    days: Callable[[Session, datetime], list[date]]  # the days the habit was kept


def _decision_days(session: Session, since: datetime) -> list[date]:
    return [store.as_utc(a.created_at).date() for a in session.scalars(
        select(Artifact).where(Artifact.kind == "decision"))
        if store.as_utc(a.created_at) >= since]


def _evidence_days(session: Session, since: datetime) -> list[date]:
    return [store.as_utc(link.added_at).date() for link in session.scalars(
        select(ArtifactLink).where(ArtifactLink.kind == "evidence"))
        if store.as_utc(link.added_at) >= since]


def _review_days(session: Session, since: datetime) -> list[date]:
    """Days a person read the weekly review (recorded by its faces, not by the server's own
    alert checks)."""
    return [store.as_utc(entry.at).date() for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.action == REVIEW_ACTION))
        if store.as_utc(entry.at) >= since]


def record_review(session: Session, who: str, week: str) -> None:
    """Note that ``who`` read the review of ISO ``week``."""
    store.audit(session, None, who, REVIEW_ACTION, {"week": week})


HABITS = {h.name: h for h in (
    Habit("journal", "a decision in the journal", "working day", working_day, _decision_days),
    Habit("evidence", "customer evidence read and cited", "week", week, _evidence_days),
    Habit("review", "the weekly review read", "week", week, _review_days),
)}


def runs(periods: Iterable[int], now: int) -> tuple[int, int]:
    """The current and the longest streak of consecutive ``periods``."""
    kept = sorted(set(periods))
    best = run = 0
    for i, p in enumerate(kept):
        run = run + 1 if i and kept[i - 1] == p - 1 else 1
        best = max(best, run)
    current = 0
    edge = now if now in kept else now - 1
    while edge in kept:
        current, edge = current + 1, edge - 1
    return current, best


def streaks(session: Session, since: datetime, today: date) -> list[dict[str, object]]:
    found = []
    for habit in HABITS.values():
        days = [d for d in habit.days(session, since) if d <= today]
        current, best = runs((habit.period(d) for d in days), habit.period(today))
        found.append({"habit": habit.name, "label": habit.label, "unit": habit.unit,
                      "current": current, "best": best, "times": len(days)})
    return found
