"""Whether each stage's deliverable exists as the programme defines it, and since when.

Each check reads only the artifacts made since the plan started and answers with the moment the
deliverable became complete (None while it is not), whether work on it has begun, what is
missing in words and a hint code for the next action (each face words it as a command or page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.artifacts import journal, ships, store
from needle.artifacts.links import Link, evidence_for
from needle.artifacts.models import Artifact, AuditEntry
from needle.artifacts.problems import MIN_EVIDENCE, evidence_count

TOP_DECISIONS = 5
COMPETITORS = 3
QUARTER_DAYS = 92


@dataclass(frozen=True)
class Check:
    done_at: datetime | None
    begun: bool
    missing: str | None
    hint: str


def _made(session: Session, kind: str, since: datetime) -> list[Artifact]:
    return sorted((a for a in store.list_all(session, kind)
                   if store.as_utc(a.created_at) >= since),
                  key=lambda a: (store.as_utc(a.created_at), a.id))


def _latest(artifact: Artifact) -> datetime:
    """When the artifact last changed or cited more data."""
    return max([store.as_utc(artifact.updated_at),
                *(store.as_utc(link.added_at) for link in artifact.links)])


def _backed_at(session: Session, problem: Artifact) -> datetime:
    """When the problem's evidence first reached ``MIN_EVIDENCE`` (links in the order added;
    a theme counts its members)."""
    count = 0
    for link in sorted(problem.links, key=lambda k: (store.as_utc(k.added_at), k.id)):
        if link.kind in ("evidence", "insight", "query"):
            count += 1
        elif link.kind == "theme":
            count += len(evidence_for(session, [Link("theme", link.reference)]))
        if count >= MIN_EVIDENCE:
            return max(store.as_utc(problem.created_at), store.as_utc(link.added_at))
    return _latest(problem)


def _first_set(session: Session, artifact: Artifact, name: str) -> datetime:
    """When the field was first given a value: at creation or by the earliest edit."""
    for entry in store.history(session, artifact):
        value = entry.changes.get(name)
        if (entry.action == "create" and value) or (
                isinstance(value, dict) and value.get("to")):
            return store.as_utc(entry.at)
    return _latest(artifact)


def _spread(days: list[date]) -> int:
    """The most distinct days that fit in one sprint (14 consecutive days)."""
    distinct = sorted(set(days))
    return max((sum(1 for d in distinct if first <= d < first + timedelta(days=journal.SPRINT_DAYS))
                for first in distinct), default=0)


def decisions_page(session: Session, since: datetime) -> Check:
    """Stage 1: five decisions logged on five different days of one sprint, enough for the
    top-5 page (``journal top 5 --sprint``)."""
    made = _made(session, "decision", since)
    for n in range(1, len(made) + 1):
        if _spread([journal.decided_on(d) for d in made[:n]]) >= TOP_DECISIONS:
            return Check(store.as_utc(made[n - 1].created_at), True, None, "journal-top")
    best = _spread([journal.decided_on(d) for d in made])
    return Check(None, bool(made), f"decisions on {best} of {TOP_DECISIONS} different days of "
                 "one sprint", "journal-log")


def evidenced_problem(session: Session, since: datetime) -> Check:
    """Stage 2: a problem statement citing at least three pieces of evidence."""
    made = _made(session, "problem", since)
    backed = [p for p in made if evidence_count(session, p) >= MIN_EVIDENCE]
    if backed:
        return Check(min(_backed_at(session, p) for p in backed), True, None, "problem-link")
    if not made:
        return Check(None, False, "no problem statement yet", "problem-new")
    best = max(made, key=lambda p: evidence_count(session, p))
    return Check(None, True, f"problem {best.id} cites {evidence_count(session, best)} of "
                 f"{MIN_EVIDENCE} pieces of evidence", "problem-link")


def _smaller_bet(session: Session, proposal: Artifact, since: datetime) -> Artifact | None:
    return next((b for b in _made(session, "bet", since)
                 if b.fields.get("smaller_than") == proposal.id), None)


def answered_proposal(session: Session, since: datetime) -> Check:
    """Stage 3: a proposal with its response and what was learned; a no or not now leads to a
    smaller bet."""
    made = _made(session, "proposal", since)
    if not made:
        return Check(None, False, "no proposal yet", "proposal-new")
    gaps: list[tuple[str, str]] = []
    for proposal in made:
        response = proposal.fields.get("response")
        if not response:
            gaps.append((f"proposal {proposal.id} has no response recorded", "proposal-respond"))
            continue
        if not response.get("learned"):
            gaps.append((f"proposal {proposal.id}: what was learned from the response",
                         "proposal-learn"))
            continue
        moments = [datetime.fromisoformat(response["at"]),
                   datetime.fromisoformat(response["learned_at"])]
        if response["response"] != "approved":
            smaller = _smaller_bet(session, proposal, since)
            if smaller is None:
                gaps.append((f"proposal {proposal.id} was answered "
                             f"{response['response'].replace('_', ' ')}: a smaller bet",
                             "proposal-smaller"))
                continue
            moments.append(store.as_utc(smaller.created_at))
        return Check(max(moments), True, None, "proposal-respond")
    return Check(None, True, gaps[0][0], gaps[0][1])


def ship_post(session: Session, since: datetime) -> Check:
    """Stage 4: a ship post with before/after numbers (always computed), feedback from the
    users who had the pain, and what was learned."""
    made = _made(session, "ship", since)
    if not made:
        return Check(None, False, "no ship post yet", "ship-new")
    for ship in made:
        heard = {str(e.id) for e in ships.feedback(session, ship)}
        if heard and ship.fields.get("learned"):
            cited = [store.as_utc(link.added_at) for owner in (ship, ships.problem_of(
                session, ship)) for link in owner.links
                if link.kind == "evidence" and link.reference in heard]
            return Check(max(min(cited or [_latest(ship)]), _first_set(session, ship, "learned"),
                             store.as_utc(ship.created_at)), True, None, "ship-new")
    ship = made[0]
    if not ships.feedback(session, ship):
        return Check(None, True, f"ship post {ship.id} cites no feedback from users after the "
                     "launch", "ship-feedback")
    return Check(None, True, f"ship post {ship.id} does not say what was learned", "ship-learned")


def analysis_and_goal(session: Session, since: datetime) -> Check:
    """Stage 5: teardowns of three competitors and a goal due within a quarter of being set."""
    teardowns = _made(session, "teardown", since)
    first: dict[str, Artifact] = {}
    for t in teardowns:
        first.setdefault(str(t.fields.get("competitor") or "").casefold(), t)
    quarterly = [g for g in _made(session, "goal", since)
                 if date.fromisoformat(g.fields["due"])
                 <= store.as_utc(g.created_at).date() + timedelta(days=QUARTER_DAYS)]
    if len(first) >= COMPETITORS and quarterly:
        mapped = sorted(store.as_utc(t.created_at) for t in first.values())[COMPETITORS - 1]
        return Check(max(mapped, store.as_utc(quarterly[0].created_at)), True, None,
                     "goal-new")
    begun = bool(teardowns or quarterly)
    if len(first) < COMPETITORS:
        return Check(None, begun, f"{len(first)} of {COMPETITORS} competitors mapped",
                     "teardown-new")
    return Check(None, begun, "no outcome goal due within a quarter", "goal-new")


def positioning(session: Session, since: datetime) -> Check:
    """Stage 6: a resume, a built portfolio and the conversation plan."""
    resumes = _made(session, "resume", since)
    talks = _made(session, "conversation", since)
    built = session.scalars(select(AuditEntry).where(AuditEntry.action == "portfolio")
                            .order_by(AuditEntry.id)).all()
    builds = [store.as_utc(b.at) for b in built if store.as_utc(b.at) >= since]
    parts = (("resume", [store.as_utc(r.created_at) for r in resumes], "resume-write"),
             ("portfolio", builds, "portfolio-build"),
             ("conversation plan", [store.as_utc(c.created_at) for c in talks],
              "conversation-write"))
    missing = [(name, hint) for name, found, hint in parts if not found]
    if not missing:
        return Check(max(found[0] for _, found, _ in parts), True, None, "portfolio-build")
    return Check(None, len(missing) < len(parts), f"no {missing[0][0]} yet", missing[0][1])


CHECKS: dict[int, Callable[[Session, datetime], Check]] = {
    1: decisions_page, 2: evidenced_problem, 3: answered_proposal, 4: ship_post,
    5: analysis_and_goal, 6: positioning,
}
