"""Reading stored evidence back: lists with filters, and one piece by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from needle.errors import UserError
from needle.evidence.models import KINDS, Evidence
from needle.store import find


@dataclass(frozen=True)
class EvidenceFilter:
    """Which evidence to show: of one kind, from one customer, dated within days (inclusive,
    UTC). Undated evidence is left out as soon as a day is given."""

    kind: str | None = None
    customer: str | None = None
    start: date | None = None
    end: date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.kind is not None and self.kind not in KINDS:
            raise UserError(f"unknown evidence kind {self.kind!r}; use one of "
                            f"{', '.join(KINDS)}", field="kind", value=self.kind)
        if self.start is not None and self.end is not None and self.start > self.end:
            raise UserError(f"the period starts on {self.start} after it ends on {self.end}",
                            field="start", value=self.start.isoformat())
        found: list[ColumnElement[bool]] = []
        if self.kind is not None:
            found.append(Evidence.kind == self.kind)
        if self.customer is not None:
            found.append(Evidence.customer == self.customer)
        if self.start is not None:
            found.append(Evidence.created_at >= _midnight(self.start))
        if self.end is not None:
            found.append(Evidence.created_at < _midnight(self.end + timedelta(days=1)))
        return found


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def list_evidence(session: Session, kind: str | None = None, customer: str | None = None,
                  limit: int | None = 50, where: EvidenceFilter | None = None) -> list[Evidence]:
    """Evidence, oldest first (undated last), optionally of one kind or one customer, or as
    ``where`` says."""
    where = where or EvidenceFilter(kind, customer)
    query = select(Evidence).order_by(Evidence.created_at.is_(None), Evidence.created_at,
                                      Evidence.id)
    return list(session.scalars(query.where(*where.conditions()).limit(check_limit(limit))))


def check_limit(limit: int | None) -> int | None:
    """The limit to apply. A negative one is a typo, not a request for nothing (or for
    everything); one beyond the 64-bit row counts a store can hold asks for all of them."""
    if limit is not None and limit < 0:
        raise UserError(f"limit {limit}: give 0 or more", field="limit", value=limit)
    return limit if limit is None or limit < 2**63 else None


def evidence_listing(session: Session, where: EvidenceFilter,
                     limit: int | None = 50) -> list[dict[str, Any]]:
    """The listing every face shows: :func:`evidence_json` of each piece, oldest first."""
    return [evidence_json(e) for e in list_evidence(session, limit=limit, where=where)]


def get_evidence(session: Session, evidence_id: int) -> Evidence:
    """One piece of evidence; a missing id is the user's to fix."""
    found = find(session, Evidence, evidence_id)
    if found is None:
        raise UserError(f"no evidence with id {evidence_id}", field="evidence", value=evidence_id,
                        hint="evidence-list")
    return found


def evidence_json(evidence: Evidence) -> dict[str, object]:
    """The stable JSON shape of one piece of evidence (docs/evidence.md lists the fields)."""
    return {
        "id": evidence.id, "kind": evidence.kind, "text": evidence.text,
        "customer": evidence.customer,
        "created_at": _iso(evidence.created_at),
        "source": evidence.source, "source_id": evidence.source_id, "meta": evidence.meta,
        "imported_at": _iso(evidence.imported_at),
    }


def _iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC; SQLite hands stored instants back without their (UTC) zone."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
