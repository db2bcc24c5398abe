"""The manager conversation, drafted from the portfolio's evidence: what was found, shipped and
learned, each line with the claims behind its numbers, then the ask.

"Here is the evidence..." comes first, so the conversation argues from outcomes, not intent.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import store
from needle.artifacts.models import Artifact
from needle.documents.portfolio import contents

DEFAULT_ASK = ("I would like to own a product outcome end to end: the problem, the bet, the "
               "metric and the follow-up, starting next quarter.")


def evidence_lines(session: Session, engine: Engine) -> tuple[list[str], list[dict[str, object]]]:
    """One line per piece of the portfolio, and the claims its numbers rest on."""
    book, context, _ = contents(session, engine, Path("portfolio"))
    lines = [f"I found {p['title']}: it reaches {p['reach']} people, with {p['evidence']} pieces "
             f"of evidence [{', '.join(p['claims'])}]" for p in context["problems"]]
    lines += [f"I shipped {s['title']}: {s['metric_label']} moved {s['before_text']} → "
              f"{s['after_text']} ({s['interval']}) [{', '.join(s['claims'])}]"
              for s in context["outcomes"]]
    lines += [f"I tested {s['title']} and it did not move {s['metric_label']} the way we hoped "
              f"({s['before_text']} → {s['after_text']}); the write-up says what we learned "
              f"[{', '.join(s['claims'])}]" for s in context["failures"]]
    lines += [f"I studied {t['competitor']}: {t['title']}" for t in context["teardowns"]]
    used = {c for line in lines for c in line.rpartition("[")[2].rstrip("]").split(", ")}
    return lines, [asdict(c) for c in book.claims if c.id in used]


def write(session: Session, engine: Engine, name: str, manager: str | None, ask: str | None,
          who: str) -> Artifact:
    """A new draft of the conversation plan."""
    lines, claims = evidence_lines(session, engine)
    title = (f"{name}: conversation with {manager}" if name and manager
             else f"Conversation with {manager}" if manager else "Conversation plan")
    return store.create(session, "conversation", title, who,
                        {"name": name or None, "manager": manager, "ask": ask or DEFAULT_ASK,
                         "evidence": lines, "claims": claims})
