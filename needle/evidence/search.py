"""Finding evidence by words: SQLite FTS5 ranked by BM25; PostgreSQL full text by ts_rank.

The query is taken as plain words, so what a user types never trips over either engine's query
syntax. Evidence holding all the words comes first, by rank; then evidence holding any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.evidence.queries import EvidenceFilter, evidence_json

# ``{allowed}`` keeps only the evidence a filter lets through (its ids, as literals).
_SQLITE = (
    "SELECT evidence_fts.rowid AS id, -bm25(evidence_fts) AS score FROM evidence_fts "
    "WHERE evidence_fts MATCH :query{allowed} ORDER BY bm25(evidence_fts) LIMIT :limit"
)
_POSTGRES = (
    "SELECT id, ts_rank(to_tsvector('english', text), to_tsquery('english', :query)) AS score "
    "FROM evidence WHERE to_tsvector('english', text) @@ to_tsquery('english', :query)"
    "{allowed} ORDER BY score DESC, id LIMIT :limit"
)
_ALLOWED = {"sqlite": " AND evidence_fts.rowid IN ({ids})", "postgresql": " AND id IN ({ids})"}
# dialect -> (SQL, how words join into that engine's query: (all of them, any of them))
_ENGINES = {
    "sqlite": (_SQLITE, (" AND ", " OR "), '"{}"'),
    "postgresql": (_POSTGRES, (" & ", " | "), "{}"),
}


@dataclass(frozen=True)
class Hit:
    evidence: Evidence
    score: float

    def to_json(self) -> dict[str, object]:
        return {**evidence_json(self.evidence), "score": round(self.score, 6)}


def search_evidence(session: Session, query: str, limit: int = 20,
                    where: EvidenceFilter | None = None) -> list[Hit]:
    """The evidence best matching the words of ``query``, best first; only what ``where``
    lets through."""
    if limit < 1:
        raise UserError(f"limit {limit}: give 1 or more", field="limit", value=limit)
    limit = min(limit, 2**63 - 1)  # more than any store holds: all of them
    words = re.findall(r"\w+", query)
    if not words:
        raise UserError("give some words to search for", field="query")
    dialect = session.get_bind().dialect.name
    if dialect not in _ENGINES:
        raise UserError(f"evidence search does not support a {dialect} store")
    sql, joins, quoting = _ENGINES[dialect]
    conditions = (where or EvidenceFilter()).conditions()
    allowed = ""
    if conditions:
        ids = list(session.scalars(select(Evidence.id).where(*conditions)))
        if not ids:
            return []
        allowed = _ALLOWED[dialect].format(ids=", ".join(str(int(i)) for i in ids))
    statement = text(sql.format(allowed=allowed))
    ranked: dict[int, float] = {}
    for join in joins:
        if len(ranked) < limit:
            query_text = join.join(quoting.format(word) for word in words)
            rows = session.execute(statement, {"query": query_text, "limit": limit}).all()
            for row in rows:
                ranked.setdefault(row.id, float(row.score))
    chosen = list(ranked.items())[:limit]
    found = {e.id: e for e in session.scalars(
        select(Evidence).where(Evidence.id.in_([id_ for id_, _ in chosen])))}
    return [Hit(found[id_], score) for id_, score in chosen]


def evidence_search(session: Session, query: str, where: EvidenceFilter,
                    limit: int = 20) -> list[dict[str, Any]]:
    """The search results every face shows: each piece's JSON and its score, best first."""
    return [hit.to_json() for hit in search_evidence(session, query, limit, where)]
