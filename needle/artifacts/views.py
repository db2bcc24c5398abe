"""One dictionary per artifact with everything derived from its data: the ``--json`` shape of
``show`` and the context every document template renders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import goals, journal, problems, proposals, quality, scoring, ships, store
from needle.artifacts.links import evidence_for
from needle.artifacts.listing import summary
from needle.artifacts.metrics import parse_metric
from needle.artifacts.models import Artifact
from needle.errors import UserError
from needle.evidence.models import Evidence


def history(session: Session, artifact: Artifact) -> list[dict[str, Any]]:
    return [{"at": store.as_utc(e.at).isoformat(), "who": e.who, "action": e.action,
             "changes": e.changes} for e in store.history(session, artifact)]


def decisions(session: Session, engine: Engine, period: journal.Period,
              count: int | None = None) -> list[dict[str, Any]]:
    """The decisions of ``period`` in full, by day; only the ``count`` most important when
    given."""
    found = (journal.top(session, period, count) if count is not None
             else journal.in_period(session, period))
    return [detail(session, engine, d) for d in found]


def evidence_json(piece: Evidence) -> dict[str, Any]:
    return {"id": piece.id, "kind": piece.kind, "customer": piece.customer,
            "created_at": store.as_utc(piece.created_at).date().isoformat()
            if piece.created_at else None, "text": piece.text, "source": piece.source}


def detail(session: Session, engine: Engine, artifact: Artifact) -> dict[str, Any]:
    data = summary(artifact) | {
        "fields": dict(artifact.fields),
        "links": [str(link) for link in store.links_of(artifact)],
        "history": history(session, artifact),
    }
    extra = _EXTRAS.get(artifact.kind)
    return data | (extra(session, engine, artifact) if extra else {})


def _problem(session: Session, engine: Engine, problem: Artifact) -> dict[str, Any]:
    pieces = [evidence_json(e) for e in
              evidence_for(session, store.links_of(problem))]
    return {"reach": problems.reach(session, engine, problem).to_json(),
            "strength": problems.strength(session, problem).to_json(),
            "evidence": pieces, "evidence_count": problems.evidence_count(session, problem),
            "usage": [str(link) for link in store.links_of(problem)
                      if link.kind in problems.USAGE_KINDS]}


def bet_score(session: Session, engine: Engine, bet: Artifact) -> scoring.Score:
    problem = store.get(session, "problem", int(bet.fields["problem"]))
    return scoring.score(bet, problems.reach(session, engine, problem),
                         problems.strength(session, problem))


def _bet(session: Session, engine: Engine, bet: Artifact) -> dict[str, Any]:
    problem = store.get(session, "problem", int(bet.fields["problem"]))
    return {"score": bet_score(session, engine, bet).to_json(), "problem": summary(problem)}


def _proposal(session: Session, engine: Engine, proposal: Artifact) -> dict[str, Any]:
    problem = store.get(session, "problem", int(proposal.fields["problem"]))
    f = proposal.fields
    metric = parse_metric(f["metric"]) if f.get("metric") else None
    return {"problem": summary(problem) | _problem(session, engine, problem)
            | {"statement": problem.fields.get("statement")},
            "metric_label": metric.label if metric else None,
            "baseline_text": metric.format((f.get("baseline") or {}).get("value"))
            if metric else None,
            "target_text": metric.format(f.get("target")) if metric and f.get("target")
            is not None else None,
            "checks": [c.to_json() for c in proposals.findings(engine, proposal)]}


def _ship(session: Session, engine: Engine, ship: Artifact) -> dict[str, Any]:
    proposal = store.get(session, "proposal", int(ship.fields["proposal"]))
    metric = parse_metric(proposal.fields["metric"])
    result = ship.fields["result"]
    return {"proposal": summary(proposal) | {"fields": proposal.fields},
            "problem": _proposal(session, engine, proposal)["problem"],
            "metric_label": metric.label, "outcome": result["outcome"],
            "before_text": metric.format(result["before"]["value"]),
            "after_text": metric.format(result["after"]["value"]),
            "feedback": [evidence_json(e) for e in ships.feedback(session, ship)],
            "checks": [c.to_json() for c in quality.ship_findings(
                date.fromisoformat(ship.fields["shipped_on"]),
                store.as_utc(proposal.locked_at).date() if proposal.locked_at else None)]}


def _goal(session: Session, engine: Engine, goal: Artifact) -> dict[str, Any]:
    metric = parse_metric(goal.fields["metric"])
    try:
        live: dict[str, Any] | None = goals.status(engine, goal, date.today()).to_json()
    except UserError:
        live = None
    return {"metric_label": metric.label, "status_now": live,
            "baseline_text": metric.format(goal.fields["baseline"]["value"]),
            "target_text": metric.format(goal.fields["target"]),
            "current_text": metric.format(live["current"]) if live else "n/a"}


def _decision(session: Session, engine: Engine, decision: Artifact) -> dict[str, Any]:
    return {"informed_by": journal.informed_by(decision),
            "decided_on": journal.decided_on(decision).isoformat()}


_EXTRAS: dict[str, Callable[[Session, Engine, Artifact], dict[str, Any]]] = {
    "problem": _problem, "bet": _bet, "proposal": _proposal, "ship": _ship, "goal": _goal,
    "decision": _decision,
}
