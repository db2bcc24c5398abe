"""Edits from flags or from the editor, with each kind's rules applied before anything changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml
from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import goals, insights, problems, proposals, quality, scoring, store
from needle.artifacts.kinds import KINDS
from needle.artifacts.models import Artifact
from needle.errors import UserError

Rule = Callable[[Session, Engine, Artifact, dict[str, Any]], None]


def _problem(session: Session, engine: Engine, problem: Artifact,
             changes: dict[str, Any]) -> None:
    if "status" in changes:
        problems.check_status(session, problem, changes["status"])


def _bet(session: Session, engine: Engine, bet: Artifact, changes: dict[str, Any]) -> None:
    if changes.get("status") == "dropped" and bet.status != "dropped":
        raise UserError(f"bet {bet.id}: a dropped bet keeps its reason; drop it with one",
                        field="status", value="dropped", hint="bet-drop")
    scoring.check_inputs({**bet.fields, **changes})


def _goal(session: Session, engine: Engine, goal: Artifact, changes: dict[str, Any]) -> None:
    if changes.get("metric"):
        changes["metric"] = insights.metric_spec(session, changes["metric"])[0]
    goals.check_smart({**goal.fields, **changes})
    if changes.get("metric") not in (None, goal.fields.get("metric")):
        changes["baseline"] = proposals.baseline(engine, changes["metric"])
    if "target" in changes or "baseline" in changes:
        goals.check_moves({**goal.fields, **changes})


def _proposal(session: Session, engine: Engine, proposal: Artifact,
              changes: dict[str, Any]) -> None:
    if changes.get("status") not in (None, proposal.status):
        raise UserError(f"proposal {proposal.id}: its status follows its response; record a "
                        "response instead", field="status", value=changes["status"],
                        hint="proposal-respond")
    if changes.get("metric"):
        changes["metric"] = insights.metric_spec(session, changes["metric"])[0]
    if changes.get("metric") not in (None, proposal.fields.get("metric")) and (
            proposal.locked_at is None):
        as_of = (proposal.fields.get("baseline") or {}).get("as_of")
        changes["baseline"] = proposals.baseline(engine, changes["metric"], as_of)
    quality.refuse_errors(quality.proposal_findings({**proposal.fields, **changes},
                                                    engine.event_names()))


_RULES: dict[str, Rule] = {"problem": _problem, "bet": _bet, "goal": _goal,
                           "proposal": _proposal}


def apply(session: Session, engine: Engine, artifact: Artifact,
          changes: Mapping[str, Any], who: str) -> dict[str, Any]:
    """Check and apply ``changes``; a refused change raises before anything is written."""
    changes = {k: v for k, v in changes.items() if v is not None}
    spec = KINDS[artifact.kind]
    fixed = [n for n in spec.computed if n in changes and changes[n] != artifact.fields.get(n)]
    if fixed:
        raise UserError(f"{fixed[0]} of a {artifact.kind} is computed from data; "
                        "it cannot be edited by hand", field=fixed[0])
    rule = _RULES.get(artifact.kind)
    if rule:
        rule(session, engine, artifact, changes)
    return store.update(session, artifact, changes, who)


def editor_text(artifact: Artifact) -> str:
    """The artifact as Markdown with YAML front matter: what ``edit`` opens in $EDITOR."""
    spec = KINDS[artifact.kind]
    front = {"title": artifact.title, "status": artifact.status} | {
        n: artifact.fields.get(n) for n in spec.fields if n not in (spec.body, *spec.computed)}
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    return f"---\n{dumped}---\n{artifact.fields.get(spec.body) or ''}\n"


def parse_editor_text(artifact: Artifact, text: str) -> dict[str, Any]:
    """Changes from an edited document; line numbers name where the front matter breaks."""
    head, sep, body = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not sep:
        raise UserError(f"{artifact.kind} {artifact.id}: the document must start with a "
                        "front matter block between two '---' lines")
    try:
        front = yaml.safe_load(head) or {}
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 2  # after the first '---'
        raise UserError(f"{artifact.kind} {artifact.id}: line {line}: front matter is not "
                        f"valid YAML: {exc.problem}") from None
    if not isinstance(front, dict):
        raise UserError(f"{artifact.kind} {artifact.id}: front matter must be NAME: VALUE lines")
    spec = KINDS[artifact.kind]
    body_text = body.strip() or None
    return {**front, spec.body: body_text}
