"""Problem statements: how many people a problem reaches and how strong its evidence is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from needle.analytics.engine import Engine
from needle.artifacts import insights, store
from needle.artifacts.links import Link, evidence_for
from needle.artifacts.metrics import affected, complete_span, parse_query
from needle.artifacts.models import Artifact
from needle.errors import UserError

MIN_EVIDENCE = 3
USAGE_KINDS = ("insight", "query")


@dataclass(frozen=True)
class Reach:
    """Distinct people: customers in the evidence plus users the linked usage data counts.

    ``sql`` counts them again from the lake (customers listed as literals), so the number can be
    re-run by anyone reading it."""

    total: int
    customers: int
    data_users: int
    sources: tuple[str, ...]
    sql: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Strength:
    """How much the evidence of a problem can be trusted: volume, variety and spread."""

    pieces: int
    kinds: int
    customers: int
    score: float  # 0..1

    @property
    def rice_confidence(self) -> float:
        """RICE's customary steps: 100% high, 80% medium, 50% low."""
        return 1.0 if self.score >= 0.75 else 0.8 if self.score >= 0.4 else 0.5

    @property
    def ice_confidence(self) -> int:
        return max(1, min(10, round(self.score * 10)))

    def describe(self) -> str:
        return (f"{self.pieces} pieces of evidence from {self.kinds} kinds of source and "
                f"{self.customers} customers")

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"rice_confidence": self.rice_confidence,
                               "ice_confidence": self.ice_confidence}


def create(session: Session, title: str, who: str, fields: Mapping[str, Any],
           evidence: Iterable[int] = (), links: Iterable[Link] = ()) -> Artifact:
    """A problem statement (a draft) citing ``evidence`` by id and any other ``links``."""
    cited = [Link("evidence", str(i)) for i in evidence]
    return store.create(session, "problem", title, who, fields, [*cited, *links])


def evidence_count_sql(problem_id: int) -> str:
    """SQL (on the store) counting a problem's evidence: distinct pieces linked directly or
    through a theme, plus each linked saved insight or query (usage data)."""
    links = f"SELECT kind, reference FROM artifact_links WHERE artifact_id = {int(problem_id)}"
    return (
        "SELECT (SELECT count(DISTINCT id) FROM ("
        f"SELECT CAST(reference AS INTEGER) AS id FROM ({links}) AS l WHERE kind = 'evidence' "
        "UNION SELECT evidence_id AS id FROM theme_assignments WHERE theme_id IN ("
        f"SELECT CAST(reference AS INTEGER) FROM ({links}) AS t WHERE kind = 'theme')) AS e)"
        f" + (SELECT count(*) FROM ({links}) AS u WHERE kind IN ('insight', 'query')) AS value"
    )


def evidence_count(session: Session, problem: Artifact) -> int:
    return int(session.execute(text(evidence_count_sql(problem.id))).scalar_one())


def strength(session: Session, problem: Artifact) -> Strength:
    pieces = evidence_for(session, store.links_of(problem))
    usage = len([link for link in problem.links if link.kind in USAGE_KINDS])
    kinds = len({e.kind for e in pieces}) + (1 if usage else 0)
    customers = len({e.customer for e in pieces if e.customer})
    count = len(pieces) + usage
    score = (0.3 * min(count / 10, 1) + 0.3 * min(kinds / 3, 1) + 0.4 * min(customers / 8, 1))
    return Strength(count, kinds, customers, round(score, 3))


def reach(session: Session, engine: Engine, problem: Artifact) -> Reach:
    pieces = evidence_for(session, store.links_of(problem))
    customers = sorted({e.customer for e in pieces if e.customer})
    parts = [_literal_users(customers)]
    sources = [f"{len(customers)} customers in {len(pieces)} pieces of evidence"]
    users: set[str] = set()
    for link in store.links_of(problem):
        found = _usage_users(session, engine, link)
        if found is not None:
            ids, part = found
            users |= set(ids)
            parts.append(part)
            sources.append(f"{len(set(ids))} users in {link}")
    sql = "SELECT count(*) AS value FROM (" + " UNION ".join(
        f"SELECT unnest(users) AS id FROM ({part}) AS p" for part in parts) + ") AS r"
    total = len(set(customers) | users)
    return Reach(total, len(customers), len(users), tuple(sources), sql)


def _literal_users(ids: list[str]) -> str:
    values = ", ".join("'" + i.replace("'", "''") + "'" for i in ids)
    return f"SELECT [{values}]::VARCHAR[] AS users"


def _usage_users(session: Session, engine: Engine, link: Link
                 ) -> tuple[list[str], str] | None:
    """The users a usage link counts and a statement giving them as one row, or None."""
    if link.kind == "query":
        metric, window = parse_query(link.reference)
        return affected(engine, metric, window or complete_span(engine, metric))
    if link.kind == "insight":
        found = insights.users(session, engine, link.reference)
        return None if found is None else (found, _literal_users(found))
    return None


def check_status(session: Session, problem: Artifact, status: str) -> None:
    """A problem leaves ``draft`` only with enough evidence behind it."""
    count = evidence_count(session, problem)
    if problem.status == "draft" and status != "draft" and count < MIN_EVIDENCE:
        raise UserError(
            f"problem {problem.id} has {count} pieces of evidence; link at least "
            f"{MIN_EVIDENCE} before moving it out of draft", field="status", value=status,
            hint="problem-link",
        )
