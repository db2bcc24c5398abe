"""Adding evidence to the store, deduplicated by a hash of the row it came from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from needle.errors import UserError
from needle.evidence.models import KINDS, Evidence


@dataclass(frozen=True)
class EvidenceRecord:
    """One piece of evidence as read from a source, before it is stored."""

    kind: str
    text: str
    source: str
    customer: str | None = None
    created_at: datetime | None = None
    source_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Same row: kind, source id, customer and whitespace-normalised text.

        The source id is part of it so that two people (or one person twice) writing the same
        words stay two pieces of evidence: how many said a thing is what themes count. Only a
        true re-import of the same row (same id, or same place in its file) is a duplicate."""
        key = "\x1f".join((self.kind, self.source_id or "", self.customer or "", self.normal_text))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @property
    def normal_text(self) -> str:
        """The text with case and runs of whitespace ignored."""
        return " ".join(self.text.split()).lower()


@dataclass(frozen=True)
class AddResult:
    added: int
    duplicates: int


def add_evidence(session: Session, records: Iterable[EvidenceRecord]) -> AddResult:
    """Store the records whose content hash is new; the caller's transaction makes it atomic."""
    now = datetime.now(UTC)
    batch: dict[str, EvidenceRecord] = {}
    received = 0
    for record in records:
        received += 1
        if record.kind not in KINDS:
            raise UserError(f"unknown evidence kind {record.kind!r}; use one of {', '.join(KINDS)}")
        batch.setdefault(record.content_hash, record)
    known = _known_hashes(session, list(batch))
    fresh = [(h, r) for h, r in batch.items() if h not in known]
    if fresh:
        # A Core bulk insert: one executemany instead of an ORM object per row.
        session.execute(insert(Evidence), [
            {"kind": r.kind, "text": r.text, "customer": r.customer,
             "created_at": _utc(r.created_at),
             "source": r.source, "source_id": r.source_id, "content_hash": h, "meta": r.meta,
             "imported_at": now}
            for h, r in fresh
        ])
    return AddResult(added=len(fresh), duplicates=received - len(fresh))


def _known_hashes(session: Session, hashes: list[str], chunk: int = 500) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(hashes), chunk):
        part = hashes[start : start + chunk]
        known.update(session.scalars(select(Evidence.content_hash).where(
            Evidence.content_hash.in_(part))))
    return known


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite keeps a datetime's wall time and drops its offset: store every instant in UTC.
    return moment.astimezone(UTC) if moment is not None and moment.tzinfo else moment
