"""Proposals: a success metric fixed before launch, with its baseline measured at proposal time.

Approval locks the metric, baseline, target and decision rule; after that they change only by an
amendment, which keeps the old value, the new one, the reason, who and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import bets, insights, quality, store
from needle.artifacts.links import Link
from needle.artifacts.metrics import measure, parse_metric, trailing_window
from needle.artifacts.models import Artifact
from needle.errors import UserError

RESPONSES = ("approved", "rejected", "not_now")


def baseline(engine: Engine, spec: str, as_of: str | None = None) -> dict[str, Any]:
    """The metric over the latest four complete weeks, measured now; ``as_of`` (YYYY-MM-DD)
    measures it as it stood on that day, for a proposal written then."""
    metric = parse_metric(spec)
    day = _day(as_of) if as_of else None
    window = trailing_window(engine, metric, as_of=day)
    return measure(engine, metric, window).to_json() | {"as_of": as_of}


def create(session: Session, engine: Engine, title: str, who: str,
           fields: Mapping[str, Any], as_of: str | None = None) -> Artifact:
    problem = store.get(session, "problem", int(fields["problem"]))
    values = dict(fields)
    links = [Link("problem", str(problem.id))]
    if values.get("metric"):
        values["metric"], insight = insights.metric_spec(session, values["metric"])
        links += [Link("insight", insight)] if insight else []
        values["baseline"] = baseline(engine, values["metric"], as_of)
    quality.refuse_errors(quality.proposal_findings(values, engine.event_names()))
    if values.get("bet"):
        links.append(Link("bet", str(store.get(session, "bet", int(values["bet"])).id)))
    return store.create(session, "proposal", title, who, values, links)


def findings(engine: Engine, proposal: Artifact) -> list[quality.Finding]:
    """What the proposal risks (warnings) or contradicts (errors), as it stands."""
    return quality.proposal_findings(proposal.fields, engine.event_names())


def respond(session: Session, proposal: Artifact, response: str, by: str, why: str,
            who: str, learned: str | None = None) -> None:
    if response not in RESPONSES:
        raise UserError(f"response {response!r}: use one of {', '.join(RESPONSES)}",
                        field="response", value=response)
    if proposal.locked_at is not None:
        raise UserError(f"proposal {proposal.id} was already approved; amend it instead",
                        field="response", value=response)
    for name, given in (("by", by), ("why", why)):
        if not given.strip():
            raise UserError(f"a response says who gave it and why; {name} is empty", field=name)
    if response == "approved":
        missing = [n for n in ("metric", "target", "decision_rule") if not proposal.fields.get(n)]
        if missing:
            raise UserError(f"proposal {proposal.id} cannot be approved without "
                            f"{', '.join(missing)}; set it first", field=missing[0],
                            hint="proposal-edit")
    moment = store.now().isoformat()
    record = {"response": response, "by": by, "why": why, "at": moment,
              "learned": (learned or "").strip() or None,
              "learned_at": moment if (learned or "").strip() else None}
    store.update(session, proposal, {"response": record, "status": response}, who,
                 action="respond")
    if response == "approved":
        proposal.locked_at = store.now()


def learn(session: Session, proposal: Artifact, learned: str, who: str) -> None:
    """Record what was learned from the response (the stage 3 deliverable needs it)."""
    response = proposal.fields.get("response")
    if not response:
        raise UserError(f"proposal {proposal.id} has no response yet; record it first",
                        field="response", hint="proposal-respond")
    if not learned.strip():
        raise UserError("say what was learned", field="learned")
    store.update(session, proposal, {"response": {**response, "learned": learned.strip(),
                                                  "learned_at": store.now().isoformat()}},
                 who, action="respond")


def smaller(session: Session, proposal: Artifact, title: str, who: str,
            fields: Mapping[str, Any]) -> Artifact:
    """After a no or a not now: a smaller bet on the same problem, linked to the proposal
    (and to its bet), needing less effort than that bet when both say."""
    response = (proposal.fields.get("response") or {}).get("response")
    if response not in ("rejected", "not_now"):
        raise UserError(f"proposal {proposal.id} was not turned down (it is "
                        f"{proposal.status}); a smaller bet follows a no or a not now",
                        field="response", hint="proposal-respond")
    first = store.get(session, "bet", int(proposal.fields["bet"])) if proposal.fields.get(
        "bet") else None
    effort, before = fields.get("effort"), (first.fields.get("effort") if first else None)
    if first is not None and effort is not None and before is not None and float(
            effort) >= float(before):
        raise UserError(f"effort {effort:g}: a smaller bet needs less than bet {first.id}'s "
                        f"{before:g}", field="effort", value=effort)
    values = {**fields, "problem": proposal.fields["problem"], "smaller_than": proposal.id}
    bet = bets.create(session, title, who, values)
    store.add_links(session, bet, [Link("proposal", str(proposal.id))]
                    + ([Link("bet", str(first.id))] if first else []), who)
    return bet


def amend(session: Session, engine: Engine, proposal: Artifact, name: str, value: Any,
          reason: str, who: str) -> None:
    """Change a locked field in the open: the amendment is kept beside the proposal."""
    if proposal.locked_at is None:
        raise UserError(f"proposal {proposal.id} is not locked; edit it instead", field="field")
    if name not in ("metric", "target", "decision_rule"):
        raise UserError(f"amend one of metric, target, decision_rule (not {name!r})",
                        field="field", value=name)
    if not reason.strip():
        raise UserError("an amendment needs a reason", field="reason")
    if name == "target":
        value = _number(value, "target")
        if problem := parse_metric(proposal.fields["metric"]).target_problem(value):
            raise UserError(problem, field="value", value=value)
    if name == "metric":
        value, _ = insights.metric_spec(session, value)
    entry = {"field": name, "from": proposal.fields.get(name), "to": value, "reason": reason,
             "by": who, "at": store.now().isoformat()}
    changes: dict[str, Any] = {name: value}
    if name == "metric":
        changes["baseline"] = baseline(engine, value, proposal.fields["baseline"].get("as_of"))
    changes["amendments"] = [*(proposal.fields.get("amendments") or []), entry]
    store.update(session, proposal, changes, who, action="amend", amending=True)


def _number(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UserError(f"{name} {value!r} is not a number", field="value",
                        value=value) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"date {text!r}: write it as YYYY-MM-DD", field="as_of",
                        value=text) from None
