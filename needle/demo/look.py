"""A first look at a workspace: how many events and users, which events, how much evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from needle.events.stats import LakeStats
from needle.evidence.models import Evidence
from needle.workspace import Workspace

TOP_EVENTS = 10


@dataclass(frozen=True)
class FirstLook:
    lake: LakeStats
    evidence: dict[str, int]  # kind -> count

    @property
    def top_events(self) -> list[tuple[str, int]]:
        return list(self.lake.event_names.items())[:TOP_EVENTS]

    def to_json(self) -> dict[str, Any]:
        stats = self.lake.to_json()
        del stats["event_names"]
        return {**stats, "top_events": [{"event": e, "count": n} for e, n in self.top_events],
                "evidence": self.evidence}


def first_look(workspace: Workspace) -> FirstLook:
    with workspace.store.session() as session:
        rows = session.execute(
            select(Evidence.kind, func.count()).group_by(Evidence.kind).order_by(Evidence.kind))
        evidence = {kind: count for kind, count in rows}
    return FirstLook(workspace.event_stats(), evidence)
