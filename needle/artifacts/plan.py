"""The 12-week plan into product engineering: six two-week stages, each ticked off by the
artifacts that exist, so the plan shows real progress rather than intentions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.models import Artifact, AuditEntry
from needle.artifacts.problems import MIN_EVIDENCE, evidence_count
from needle.evidence.models import Evidence


@dataclass(frozen=True)
class Progress:
    """The counts the deliverables are judged on."""

    evidence: int
    problems: int
    evidenced_problems: int
    bets: int
    approved_proposals: int
    ships: int
    goals: int
    decisions: int
    teardowns: int
    portfolios: int


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    activities: str
    deliverable: str
    hint: str  # the next action, as a code each face words as its own command or form
    done: Callable[[Progress], bool]


STAGES = (
    Stage(1, "Observe and reframe",
          "Read a month of tickets and usage; import the evidence; restate one request as a "
          "problem.", "a problem statement drafted from imported evidence",
          "problem-new",
          lambda p: p.evidence > 0 and p.problems > 0),
    Stage(2, "First customer contact",
          "Talk to five customers; record their words as evidence; link it to the problem.",
          f"a problem statement with at least {MIN_EVIDENCE} pieces of evidence",
          "problem-link", lambda p: p.evidenced_problems > 0),
    Stage(3, "First product bet",
          "Score candidate solutions; write a one-page proposal with a success metric.",
          "two scored bets and an approved proposal",
          "bet-proposal-new",
          lambda p: p.bets >= 2 and p.approved_proposals > 0),
    Stage(4, "Ship and measure",
          "Ship the smallest version; read the metric before and after; publish the result.",
          "a ship post with before/after numbers",
          "ship-new",
          lambda p: p.ships > 0),
    Stage(5, "Expand scope",
          "Own an outcome over several bets; log the decisions you make along the way.",
          "a SMART goal and three logged decisions",
          "goal-journal-new",
          lambda p: p.goals > 0 and p.decisions >= 3),
    Stage(6, "Consolidate and position",
          "Study a competitor; assemble the evidence of your outcomes.",
          "a competitive teardown and a built portfolio",
          "teardown-portfolio-new",
          lambda p: p.teardowns > 0 and p.portfolios > 0),
)


def progress(session: Session) -> Progress:
    def count(kind: str) -> int:
        return len(store.list_all(session, kind))

    problems = store.list_all(session, "problem")
    approved = [p for p in store.list_all(session, "proposal") if p.locked_at is not None]
    return Progress(
        evidence=session.scalar(select(func.count()).select_from(Evidence)) or 0,
        problems=len(problems),
        evidenced_problems=sum(evidence_count(session, p) >= MIN_EVIDENCE for p in problems),
        bets=count("bet"), approved_proposals=len(approved), ships=count("ship"),
        goals=count("goal"), decisions=count("decision"), teardowns=count("teardown"),
        portfolios=session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "portfolio")) or 0,
    )


def start_day(session: Session, today: date) -> date:
    first = session.scalar(select(func.min(Artifact.created_at)))
    return store.as_utc(first).date() if first else today


def rows(session: Session, today: date) -> list[dict[str, Any]]:
    state, start = progress(session), start_day(session, today)
    return [{
        "stage": s.number, "name": s.name,
        "weeks": f"{2 * s.number - 1}-{2 * s.number}",
        "starts": (start + timedelta(weeks=2 * (s.number - 1))).isoformat(),
        "activities": s.activities, "deliverable": s.deliverable,
        "done": s.done(state), "hint": s.hint,
    } for s in STAGES]


def next_step(session: Session, today: date) -> dict[str, Any] | None:
    """The first stage whose deliverable is not there yet."""
    return next((row for row in rows(session, today) if not row["done"]), None)
