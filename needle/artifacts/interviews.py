"""Interview guides: open questions about past behaviour for a problem, checked for forms that
spoil the answers, and the interview notes (evidence) linked to the guide they followed.

A leading question ("Don't you think...?") puts the answer in the customer's mouth, so a guide
holding one is refused. A closed (yes/no) question or a hypothetical one ("Would you use...?")
gets a warning: it is sometimes a fair follow-up, but it tells little about what people did.
The forms are a few English patterns, hand-written: no library checks interview questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.links import Link
from needle.artifacts.models import Artifact
from needle.artifacts.quality import Finding
from needle.errors import UserError

_LEADING = re.compile(
    r"^\s*(don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wouldn'?t|won'?t|shouldn'?t|can'?t)\s+"
    r"(you|it|that|this|they)\b|\b(do|would|will) you agree\b|\bhow (much|great|useful|"
    r"helpful) (do you|would|is)\b|\bwouldn'?t it be\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"^\s*(would|will|could|might) you\b|\bif we (built|made|added)\b",
                           re.IGNORECASE)
_CLOSED = re.compile(r"^\s*(do|does|did|is|are|was|were|am|have|has|had|can|could|will|would|"
                     r"should|shall|may|might)\b", re.IGNORECASE)


def check_question(number: int, text: str) -> list[Finding]:
    """Findings about question ``number``: leading (error), hypothetical or closed (warning)."""
    where = f"question {number} ({text.strip()!r})"
    if _LEADING.search(text):
        return [Finding("error", "leading", "questions", f"{where} is leading: it suggests the "
                        "answer; ask what they did, e.g. 'Tell me about the last time...'")]
    found = []
    if _HYPOTHETICAL.search(text):
        found.append(Finding("warning", "hypothetical", "questions", f"{where} asks about the "
                             "future: people predict their behaviour badly; ask about the past"))
    if _CLOSED.search(text):
        found.append(Finding("warning", "closed", "questions", f"{where} is closed (yes or no): "
                             "ask 'how', 'what' or 'tell me about' instead"))
    return found


def default_questions(problem: Artifact) -> list[str]:
    """Open questions about past behaviour around the problem."""
    topic = problem.title[0].lower() + problem.title[1:]
    return [
        f"Tell me about the last time you ran into this: {topic}.",
        "What were you trying to get done when it happened?",
        "What did you do next, and what did you try instead?",
        "How often has this happened in the last month?",
        "What did it cost you: time, money, people waiting on you?",
        "Who else was involved, and what did they do?",
        "What have you tried so far to work around it?",
    ]


def create(session: Session, problem_id: int, who: str, questions: Sequence[str] = (),
           goal: str | None = None) -> Artifact:
    """A guide for the problem: its default questions plus ``questions``; a leading question
    refuses the guide, other findings are kept on it."""
    problem = store.get(session, "problem", problem_id)
    asked = [*default_questions(problem), *(q.strip() for q in questions if q.strip())]
    findings = [f for i, q in enumerate(asked, 1) for f in check_question(i, q)]
    error = next((f for f in findings if f.severity == "error"), None)
    if error is not None:
        raise UserError(error.message, field="question", value=error.message)
    return store.create(session, "guide", f"Interview guide: {problem.title}", who,
                        {"problem": problem.id, "goal": goal, "questions": asked,
                         "findings": [f.to_json() for f in findings]},
                        [Link("problem", str(problem.id))])


def link_notes(session: Session, guide: Artifact, evidence: Iterable[int], who: str) -> None:
    """Link interview notes (evidence) to the guide they followed."""
    store.add_links(session, guide, [Link("evidence", str(i)) for i in evidence], who)
