"""The roadmap as now / next / later / not doing, built from ranked bets, proposals and the
decisions that cite them.

- now: approved proposals not shipped yet, and chosen bets (a bet an approved or shipped
  proposal carries appears only as that proposal, or not at all once shipped);
- next: the best candidate bets, ``NEXT`` per scoring method, each with its ``rank`` within
  its method;
- later: the other candidates, and proposals answered "not now" (with why);
- not doing: dropped bets and rejected proposals, each with its reason.

Candidates are ranked within their method only: RICE, ICE and weighted scores are on different
scales, so the lanes list them apart rather than merge incomparable numbers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import bets, store
from needle.artifacts.models import Artifact
from needle.artifacts.scoring import METHODS, Score

NEXT = 3


def _deciders(session: Session) -> dict[str, list[int]]:
    """Decision ids by the ``KIND:ID`` they cite."""
    cited: dict[str, list[int]] = {}
    for decision in store.list_all(session, "decision"):
        for link in store.links_of(decision):
            cited.setdefault(str(link), []).append(decision.id)
    return cited


def _item(artifact: Artifact, reason: str | None, decisions: dict[str, list[int]],
          score: Score | None = None) -> dict[str, Any]:
    return {"kind": artifact.kind, "id": artifact.id, "title": artifact.title,
            "problem": artifact.fields.get("problem"),
            "method": score.method if score else None, "value": score.value if score else None,
            "why": score.why if score else None, "reason": reason,
            "decisions": decisions.get(f"{artifact.kind}:{artifact.id}", [])}


def _response(proposal: Artifact) -> str | None:
    return (proposal.fields.get("response") or {}).get("why")


def build(session: Session, engine: Engine) -> dict[str, Any]:
    decided = _deciders(session)
    proposals = store.list_all(session, "proposal")
    scores = bets.ranking(session, engine)
    by_id = {s.bet: s for s in scores}
    now = [_item(p, _response(p), decided) for p in proposals if p.status == "approved"]
    # A bet an approved proposal carries is on the roadmap as that proposal; a shipped one is done.
    taken = {int(p.fields["bet"]) for p in proposals
             if p.status in ("approved", "shipped") and p.fields.get("bet")}
    now += [_item(b, None, decided, by_id.get(b.id)) for b in store.list_all(session, "bet")
            if b.status == "chosen" and b.id not in taken]
    candidates = [s for s in scores if s.bet not in taken
                  and store.get(session, "bet", s.bet).status == "candidate"]
    lanes: dict[str, list[dict[str, Any]]] = {"next": [], "later": []}
    for method in METHODS:
        ranked = [s for s in candidates if s.method == method]
        for rank, score in enumerate(ranked, 1):
            item = _item(store.get(session, "bet", score.bet), None, decided, score)
            lanes["next" if rank <= NEXT else "later"].append(item | {"rank": rank})
    later = lanes["later"] + [_item(p, _response(p), decided) | {"rank": None}
                              for p in proposals if p.status == "not_now"]
    not_doing = [_item(p, _response(p), decided) for p in proposals if p.status == "rejected"]
    not_doing += [_item(b, (b.fields.get("dropped") or {}).get("why"), decided)
                  for b in store.list_all(session, "bet", "dropped")]
    return {"now": now, "next": lanes["next"], "later": later, "not_doing": not_doing}
