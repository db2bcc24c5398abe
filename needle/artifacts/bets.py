"""Bets on a problem: created with their scoring inputs checked, ranked with the reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import problems, scoring, store
from needle.artifacts.links import Link
from needle.artifacts.models import Artifact
from needle.errors import UserError


def create(session: Session, title: str, who: str, fields: Mapping[str, Any]) -> Artifact:
    problem = store.get(session, "problem", int(fields["problem"]))
    values = {**fields, "problem": problem.id, "method": fields.get("method") or "rice"}
    scoring.check_inputs(values)
    return store.create(session, "bet", title, who, values, [Link("problem", str(problem.id))])


def drop(session: Session, bet: Artifact, why: str, who: str) -> None:
    """Say no to a bet: it leaves the ranking and keeps its reason (the roadmap's not doing)."""
    if not why.strip():
        raise UserError("a dropped bet needs its reason", field="why")
    record = {"why": why.strip(), "by": who, "at": store.now().isoformat()}
    store.update(session, bet, {"status": "dropped", "dropped": record}, who, action="drop")


def ranking(session: Session, engine: Engine, problem_id: int | None = None,
            include_dropped: bool = False) -> list[scoring.Score]:
    """Every bet (or one problem's, which must exist), scored from current data and ranked."""
    if problem_id is not None:
        store.get(session, "problem", problem_id)
    found = [b for b in store.list_all(session, "bet")
             if (problem_id is None or b.fields.get("problem") == problem_id)
             and (include_dropped or b.status != "dropped")]
    cache: dict[int, tuple[problems.Reach, problems.Strength]] = {}
    scores = []
    for bet in found:
        pid = int(bet.fields["problem"])
        if pid not in cache:
            problem = store.get(session, "problem", pid)
            cache[pid] = (problems.reach(session, engine, problem),
                          problems.strength(session, problem))
        scores.append(scoring.score(bet, *cache[pid]))
    return scoring.rank(scores)
