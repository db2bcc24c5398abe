"""Resume bullets in the programme's form, from shipped outcomes, each number a claim:

    Identified <problem> affecting <N> users, shipped <what>, resulting in <W>% improvement in
    <metric> (<before> → <after>)

``N`` is the problem's reach, ``W`` the relative change of the ship post's metric (improvement
in the direction its target asked for). Each number carries the query that gives it again, as
the portfolio's ``claims.json`` does.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import store, views
from needle.artifacts.models import Artifact
from needle.documents.claims import Claim, problem_claims, ship_claims


def improvement(result: dict[str, Any], baseline: float | None, target: float | None) -> float:
    """The relative change in percent, positive when it moved the way the target asked."""
    before, after = result["before"]["value"], result["after"]["value"]
    wanted = -1.0 if baseline is not None and target is not None and target < baseline else 1.0
    return wanted * (after - before) / before * 100 if before else 0.0


def bullet(session: Session, engine: Engine, ship: Artifact) -> tuple[str, list[Claim]] | None:
    """The bullet of a successful ship post and the claims behind its numbers; None for a flat
    or failed one (those go to the portfolio's failed experiments)."""
    view = views.detail(session, engine, ship)
    if view["outcome"] != "success":
        return None
    result, problem = ship.fields["result"], view["problem"]
    proposal = view["proposal"]["fields"]
    gain = improvement(result, proposal["baseline"]["value"], proposal.get("target"))
    key = f"ship-{ship.id}"
    claims = [*problem_claims(problem), *ship_claims(ship, view),
              Claim(f"{key}-improvement", f"ship {ship.id}", "relative improvement", gain,
                    f"{gain:.0f}%", "derived", derived_from=(f"{key}-before", f"{key}-after"),
                    method="(after - before) / before, signed by the target's direction")]
    text = (f"Identified {problem['title']} affecting {problem['reach']['total']} users, "
            f"shipped {ship.fields.get('what') or ship.title}, resulting in {gain:.0f}% "
            f"improvement in {result['label']} ({view['before_text']} → {view['after_text']})")
    return text, claims


def write(session: Session, engine: Engine, name: str, who: str) -> Artifact:
    """A new version of the resume: one bullet per successful ship post, with its claims."""
    bullets: list[str] = []
    claims: list[dict[str, Any]] = []
    for ship in store.list_all(session, "ship"):
        found = bullet(session, engine, ship)
        if found:
            bullets.append(found[0])
            claims += [asdict(c) for c in found[1] if c.id not in {x["id"] for x in claims}]
    title = f"{name}: resume" if name else "Resume"
    return store.create(session, "resume", title, who,
                        {"name": name or None, "bullets": bullets, "claims": claims})
