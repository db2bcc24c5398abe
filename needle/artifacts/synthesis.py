"""Customer-insight syntheses: the evidence of a period read as a few themes with priorities.

"After reviewing 25 support conversations and 4 calls, I identified three recurring themes":
the synthesis counts the pieces reviewed by kind, ranks the topics they fall in (the handful of
groups of themes a person reads first) by frequency and severity, quotes each, and recommends
priorities. A topic's frequency counts each piece once, for the topic nearest it: a theme that
mixes subjects does not lend all its pieces to one. Severity comes from the text's own signals
(the share of a topic's pieces saying they are blocked, cannot do something, lost data or will
cancel) and, when the event lake knows the reporters, from how they behave: a topic is graver
when the reporters of one of its themes retain less than other reporters (interval below
zero). Every number is computed here from
stored data; the themes of the topics it recommends are linked to it (``theme:ID``, which holds
their evidence), and so is every piece it quotes (``evidence:ID``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.links import Link
from needle.artifacts.models import Artifact
from needle.errors import UserError
from needle.evidence.models import KINDS as EVIDENCE_KINDS
from needle.evidence.models import Evidence

TOP = 3
CALM = 0.25  # weight of a piece with no severity signal against one with a signal (1 + CALM)
# What makes a complaint severe, in customers' own words.
SIGNALS = {
    "blocked": r"\b(?:blocked|blocking|blocker|stuck|can ?not|can't|cannot|unable|impossible"
               r"|doesn't work|does not work|not working|broken|fails?|failed)\b",
    "lost data": r"\b(?:lost|lose|losing|deleted|gone|disappeared|missing|wiped|corrupt\w*)\b",
    "leaving": r"\b(?:cancel\w*|uninstall\w*|refund|switch(?:ing)? to|churn\w*|leaving|quit)\b",
    "crash": r"\b(?:crash\w*|freez\w*|hangs?)\b",
}
_SIGNALS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in SIGNALS.items()}


@dataclass(frozen=True)
class Behaviour:
    """A theme's reporters' retention against other reporters: difference and interval."""

    metric: str
    difference: float | None
    low: float | None
    high: float | None


def create(session: Session, who: str, topics: Sequence[Any],
           behaviour: Mapping[int, Behaviour], start: date | None = None,
           end: date | None = None, kind: str | None = None, title: str | None = None,
           homes: Mapping[int, int] | None = None) -> Artifact:
    """Write the synthesis of the evidence dated in ``start``..``end`` (of ``kind``), from
    ``topics`` (:class:`~needle.themes.view.Topic` objects) and ``behaviour`` by theme id.
    ``homes`` (evidence id -> topic id) says which topic each piece counts for (the nearest,
    :func:`needle.themes.topics.nearest_topics`); without it, the topic holding its theme."""
    if kind is not None and kind not in EVIDENCE_KINDS:
        raise UserError(f"unknown evidence kind {kind!r}; use one of {', '.join(EVIDENCE_KINDS)}",
                        field="kind", value=kind)
    if start and end and start > end:
        raise UserError(f"the period starts on {start}, after it ends on {end}", field="start",
                        value=str(start))
    pieces = _pieces(session, start, end, kind)
    if not pieces:
        raise UserError("no evidence in that period to synthesise; import some, or widen the "
                        "period or the kind", field="evidence")
    ranked = _ranked(topics, pieces, behaviour, homes)
    urgent = sorted(ranked, key=lambda t: (-t["priority"], -t["pieces"], t["topic_id"]))[:TOP]
    fields = {
        "period": {"from": start.isoformat() if start else None,
                   "to": end.isoformat() if end else None, "kind": kind},
        "reviewed": dict(Counter(kind for kind, _ in pieces.values()).most_common()),
        "pieces": len(pieces),
        "themes": ranked,
        "recommendations": [_recommendation(n, t) for n, t in enumerate(urgent, 1)],
        "summary": _summary(pieces, ranked),
    }
    # the themes recommended (each holds its evidence) and the pieces quoted
    cited = sorted({q["evidence_id"] for t in ranked for q in t["quotes"]})
    links = [Link("theme", str(t)) for topic in urgent for t in topic["theme_ids"]]
    links += [Link("evidence", str(e)) for e in cited]
    name = title or f"{fields['pieces']} pieces of evidence, {len(ranked)} topics"
    return store.create(session, "synthesis", name, who, fields, links)


def _pieces(session: Session, start: date | None, end: date | None, kind: str | None
            ) -> dict[int, tuple[str, str]]:
    """Evidence id -> (kind, text) of the evidence reviewed."""
    query = select(Evidence.id, Evidence.kind, Evidence.text, Evidence.created_at)
    if kind is not None:
        query = query.where(Evidence.kind == kind)
    found = {}
    for row in session.execute(query):
        day = row.created_at.date() if row.created_at else None
        if (start or end) and day is None:
            continue
        if (start and day and day < start) or (end and day and day > end):
            continue
        found[row.id] = (row.kind, row.text)
    return found


def _below_zero(seen: Behaviour) -> bool:
    return seen.high is not None and seen.high < 0


def severity(texts: Sequence[str]) -> dict[str, float]:
    """The share of ``texts`` carrying each severity signal, and ``any`` of them."""
    if not texts:
        return {name: 0.0 for name in [*SIGNALS, "any"]}
    hits = {name: [bool(p.search(t)) for t in texts] for name, p in _SIGNALS.items()}
    shares = {name: sum(found) / len(texts) for name, found in hits.items()}
    shares["any"] = sum(any(col) for col in zip(*hits.values(), strict=True)) / len(texts)
    return shares


def _ranked(topics: Sequence[Any], pieces: Mapping[int, tuple[str, str]],
            behaviour: Mapping[int, Behaviour], homes: Mapping[int, int] | None = None
            ) -> list[dict[str, Any]]:
    """Themes with pieces in the period, most frequent first, each with its priority: its
    pieces times (``CALM`` + the share with a severity signal), half again when its reporters
    retain less than other reporters (interval below zero). Praise is frequent but calm, so
    it is listed, not recommended first."""
    held = {topic.id: list(topic.evidence_ids) for topic in topics}
    if homes is not None:
        held = {topic.id: [] for topic in topics}
        for evidence_id, topic_id in homes.items():
            held[topic_id].append(evidence_id)
    out = []
    for topic in topics:
        ids = [e for e in held[topic.id] if e in pieces]
        if not ids:
            continue
        signals = severity([pieces[e][1] for e in ids])
        worse = [(t.label, seen) for t in topic.themes
                 if (seen := behaviour.get(t.id)) is not None and _below_zero(seen)]
        harm = bool(worse)
        counted = set(ids)
        quoted = [q.evidence_id for q in topic.quotes if q.evidence_id in counted] or ids[:1]
        out.append({
            "topic_id": topic.id, "theme_ids": [t.id for t in topic.themes],
            "name": topic.label, "pieces": len(ids),
            "share": round(len(ids) / len(pieces), 4), "trend": topic.trend.direction,
            "severity": {k: round(v, 3) for k, v in signals.items()},
            "behaviour": [{"theme": name, "metric": b.metric, "difference": b.difference,
                           "low": b.low, "high": b.high} for name, b in worse],
            "priority": round(len(ids) * (CALM + signals["any"]) * (1.5 if harm else 1.0), 2),
            "quotes": [{"evidence_id": e, "text": _short(pieces[e][1])} for e in quoted[:3]],
            "evidence_ids": ids,
        })
    out.sort(key=lambda t: (-t["pieces"], t["topic_id"]))
    return out


def _short(text: str, words: int = 40) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _recommendation(rank: int, theme: dict[str, Any]) -> str:
    severe = theme["severity"]["any"]
    reasons = [f"{theme['pieces']} pieces, {100 * theme['share']:.0f}% of those reviewed",
               f"{theme['trend']}" if theme["trend"] != "unknown" else "",
               f"{100 * severe:.0f}% say they are blocked, lost data, crashed or will leave"
               if severe else ""]
    if theme["behaviour"]:  # one sentence, however many themes: the widest gap, and how many
        seen = min(theme["behaviour"], key=lambda b: b["difference"])
        count = len(theme["behaviour"])
        more = f" (and {count - 1} more of its themes)" if count > 1 else ""
        reasons.append(f"reporters of {seen['theme']!r}{more}: {seen['metric'].replace('_', ' ')}"
                       f" {100 * seen['difference']:+.0f} points against other reporters (95% "
                       f"interval {100 * seen['low']:+.0f} to {100 * seen['high']:+.0f})")
    action = "Fix first" if rank == 1 else "Next" if rank == 2 else "Then"
    return f"{action}: {theme['name']}. {'; '.join(r for r in reasons if r).capitalize()}."


def _summary(pieces: Mapping[int, tuple[str, str]], ranked: list[dict[str, Any]]) -> str:
    kinds = Counter(kind for kind, _ in pieces.values())
    read = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}"
                     for kind, count in kinds.most_common())
    top = ", ".join(f"{t['name']} ({t['pieces']})" for t in ranked[:TOP])
    found = ("no recurring topic yet, so nothing is ranked" if not ranked else
             f"1 recurring topic: {top}" if len(ranked) == 1 else
             f"{len(ranked)} recurring topics; the most frequent are {top}")
    said = f"{len(pieces)} piece{'s' if len(pieces) != 1 else ''}"
    weigh = (" The priorities weigh how often each comes up by how severe customers say it is."
             if ranked else "")
    return f"After reviewing {said} of customer evidence ({read}), I identified {found}.{weigh}"
