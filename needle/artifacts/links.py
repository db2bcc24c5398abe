"""Links from an artifact to the data behind it, as (kind, reference) pairs.

``evidence:12``, ``insight:activation-funnel``, ``experiment:onboarding-checklist``, ``theme:4``,
``query:conversion:signup>project_created@7d`` (or a JSON query), and other artifacts
(``problem:3``). A link is refused when what it names does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.artifacts import insights
from needle.artifacts.kinds import KINDS
from needle.artifacts.metrics import parse_query
from needle.artifacts.models import Artifact
from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.experiments.models import Experiment
from needle.store import find
from needle.themes.models import Theme, ThemeAssignment

DATA_KINDS = ("evidence", "insight", "experiment", "theme", "query")
LINK_KINDS = DATA_KINDS + tuple(KINDS)


@dataclass(frozen=True)
class Link:
    kind: str
    reference: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"


def parse_link(text: str) -> Link:
    kind, sep, reference = text.partition(":")
    if not sep or not reference.strip() or kind not in LINK_KINDS:
        raise UserError(
            f"link {text!r}: write KIND:REFERENCE with KIND one of {', '.join(LINK_KINDS)}",
            field="link", value=text)
    return Link(kind, reference.strip())


def _int_reference(link: Link) -> int:
    try:
        return int(link.reference)
    except ValueError:
        raise UserError(f"link {link}: {link.kind} ids are numbers", field=link.kind,
                        value=link.reference) from None


def check_link(session: Session, link: Link) -> None:
    """Refuse links to things that do not exist, so an artifact never cites nothing."""
    if link.kind == "evidence":
        if find(session, Evidence, _int_reference(link)) is None:
            raise UserError(f"unknown evidence id {link.reference}", field="evidence",
                            value=link.reference)
    elif link.kind in KINDS:
        found = find(session, Artifact, _int_reference(link))
        if found is None or found.kind != link.kind:
            raise UserError(f"unknown {link.kind} id {link.reference}", field=link.kind,
                            value=link.reference)
    elif link.kind == "query":
        parse_query(link.reference)
    elif link.kind == "insight":
        insights.get(session, link.reference)
    elif link.kind == "theme":
        theme = find(session, Theme, _int_reference(link))
        if theme is None:
            raise UserError(f"unknown theme id {link.reference}", field="theme",
                            value=link.reference, hint="themes")
        if not theme.active:
            raise UserError(f"theme {link.reference} is no longer current (merged, split or "
                            "rebuilt away)", field="theme", value=link.reference, hint="themes")
    elif link.kind == "experiment" and session.scalar(
            select(Experiment.id).where(Experiment.name == link.reference)) is None:
        raise UserError(f"unknown experiment {link.reference!r}", field="experiment",
                        value=link.reference, hint="experiment-list")


def evidence_for(session: Session, links: list[Link]) -> list[Evidence]:
    """The evidence cited: linked directly, or as a member of a linked theme."""
    ids = {int(link.reference) for link in links if link.kind == "evidence"}
    themes = [int(link.reference) for link in links if link.kind == "theme"]
    if themes:
        ids |= set(session.scalars(select(ThemeAssignment.evidence_id).where(
            ThemeAssignment.theme_id.in_(themes))))
    if not ids:
        return []
    return list(session.scalars(select(Evidence).where(Evidence.id.in_(ids)).order_by(
        Evidence.id)))


def describe(session: Session, link: Link) -> str:
    """What a data link stands for, in a few words, for documents that list sources."""
    if link.kind == "insight":
        insight = insights.get(session, link.reference)
        return f"saved {insight.kind} insight" + (f": {insight.description}"
                                                  if insight.description else "")
    if link.kind == "theme":
        theme = find(session, Theme, int(link.reference))
        members = len(evidence_for(session, [link]))
        return f"theme \"{theme.title if theme else '?'}\" ({members} pieces of evidence)"
    if link.kind == "experiment":
        found = session.scalar(select(Experiment).where(Experiment.name == link.reference))
        return f"experiment: {found.hypothesis}" if found else "experiment"
    if link.kind == "query":
        return parse_query(link.reference)[0].label
    return link.kind
