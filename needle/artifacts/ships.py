"""Ship posts: what shipped and what the data says happened, good or bad.

The metric is the proposal's locked one, compared before and after the ship date on windows
aligned by weekday. A flat or wrong-way result is written up as a failed experiment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import store
from needle.artifacts.compare import compare
from needle.artifacts.links import Link, evidence_for
from needle.artifacts.metrics import parse_metric
from needle.artifacts.models import Artifact
from needle.errors import UserError
from needle.evidence.models import Evidence


def outcome(result: Mapping[str, Any], baseline: float | None, target: float | None) -> str:
    """success, flat (indistinguishable from noise) or failed (moved the wrong way)."""
    if not result["distinguishable"]:
        return "flat"
    wanted = 1.0 if baseline is None or target is None or target >= baseline else -1.0
    return "success" if result["difference"] * wanted > 0 else "failed"


def create(session: Session, engine: Engine, title: str, who: str,
           fields: Mapping[str, Any], links: list[Link],
           experiment: Mapping[str, Any] | None = None) -> Artifact:
    proposal = store.get(session, "proposal", int(fields["proposal"]))
    if proposal.status != "approved":
        raise UserError(f"proposal {proposal.id} is {proposal.status}; only an approved "
                        "proposal ships", field="proposal", value=proposal.id,
                        hint=None if proposal.status == "shipped" else "proposal-respond")
    shipped_on = launch_day(fields.get("shipped_on"))
    weeks = int(4 if fields.get("weeks") is None else fields["weeks"])
    if weeks < 1:
        raise UserError(f"weeks {weeks}: compare at least one week on each side", field="weeks",
                        value=weeks)
    metric = parse_metric(proposal.fields["metric"])
    comparison = compare(engine, metric, shipped_on, weeks)
    result = comparison.to_json()
    result["outcome"] = outcome(result, proposal.fields["baseline"]["value"],
                                proposal.fields.get("target"))
    result["experiment"] = dict(experiment) if experiment else None
    # the windows are shortened to the data there is: keep the weeks actually compared
    used = (comparison.after.window.end - comparison.after.window.start).days // 7
    values = {**fields, "shipped_on": shipped_on.isoformat(), "weeks": used, "result": result}
    all_links = [Link("proposal", str(proposal.id)), *links]
    ship = store.create(session, "ship", title, who, values, all_links)
    store.update(session, proposal, {"status": "shipped"}, who, action="ship")
    return ship


def launch_day(text: Any) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise UserError(f"launch day {text!r}: write it as YYYY-MM-DD", field="shipped_on",
                        value=text) from None


def feedback(session: Session, ship: Artifact) -> list[Evidence]:
    """Evidence dated on or after the ship date, linked (directly or by theme) to the post or
    to its problem."""
    problem = problem_of(session, ship)
    links = store.links_of(ship) + store.links_of(problem)
    shipped_on = date.fromisoformat(ship.fields["shipped_on"])
    return [e for e in evidence_for(session, links)
            if e.created_at is not None and store.as_utc(e.created_at).date() >= shipped_on]


def problem_of(session: Session, ship: Artifact) -> Artifact:
    """The problem the shipped proposal set out to solve."""
    proposal = store.get(session, "proposal", int(ship.fields["proposal"]))
    return store.get(session, "problem", int(proposal.fields["problem"]))
