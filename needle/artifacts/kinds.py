"""What each kind of artifact holds: its fields, statuses and which fields lock on approval.

Data, not code: the store, the editor round trip, the CLI and the templates all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    fields: tuple[str, ...]
    statuses: tuple[str, ...]
    body: str  # the field edited as the Markdown body in $EDITOR
    locked: tuple[str, ...] = ()  # fields that freeze once the artifact is approved
    computed: tuple[str, ...] = ()  # fields Needle fills from data; never edited by hand


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("problem", ("statement", "affected"), ("draft", "open", "solved", "dropped"),
             body="statement"),
        Kind("bet", ("problem", "description", "method", "reach", "reach_reason", "impact",
                     "confidence", "confidence_reason", "effort", "ease", "criteria",
                     "smaller_than", "dropped"),
             ("candidate", "chosen", "dropped"), body="description",
             computed=("smaller_than", "dropped")),
        Kind("proposal", ("problem", "bet", "solution", "scope", "metric", "metric_kind",
                          "guardrails", "baseline", "target", "decision_rule", "timeline",
                          "response", "amendments"),
             ("draft", "approved", "rejected", "not_now", "shipped"), body="solution",
             locked=("metric", "baseline", "target", "decision_rule"),
             computed=("baseline", "response", "amendments")),
        Kind("decision", ("decided_by", "decided_on", "alternative", "rationale", "outcome",
                          "importance"),
             ("logged", "reviewed"), body="rationale"),
        Kind("goal", ("metric", "baseline", "target", "due", "notes"),
             ("active", "met", "missed"), body="notes", computed=("baseline",)),
        Kind("ship", ("proposal", "shipped_on", "what", "experiment", "weeks", "result",
                      "hypothesis", "learned", "next_steps"), ("published",), body="learned",
             computed=("result",)),
        Kind("teardown", ("competitor", "shipped", "why", "differently", "better", "worse",
                          "sources"),
             ("draft", "published"), body="differently"),
        Kind("guide", ("problem", "goal", "questions", "findings"), ("draft", "ready"),
             body="goal", computed=("findings",)),
        Kind("resume", ("name", "bullets", "claims"), ("draft",), body="name",
             computed=("bullets", "claims")),
        Kind("synthesis", ("period", "reviewed", "pieces", "themes", "recommendations",
                           "summary"), ("draft", "published"), body="summary",
             computed=("period", "reviewed", "pieces", "themes", "recommendations")),
        Kind("conversation", ("name", "manager", "ask", "evidence", "claims"), ("draft",),
             body="ask", computed=("evidence", "claims")),
    )
}

