"""Reading stored evidence back: lists with filters, and one piece by id."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from needle.errors import UserError
from needle.evidence.models import Evidence


def list_evidence(session: Session, kind: str | None = None, customer: str | None = None,
                  limit: int | None = 50) -> list[Evidence]:
    """Evidence, oldest first (undated last), optionally of one kind or one customer."""
    query = select(Evidence).order_by(Evidence.created_at.is_(None), Evidence.created_at,
                                      Evidence.id)
    if kind is not None:
        query = query.where(Evidence.kind == kind)
    if customer is not None:
        query = query.where(Evidence.customer == customer)
    return list(session.scalars(query.limit(limit)))


def get_evidence(session: Session, evidence_id: int) -> Evidence:
    """One piece of evidence; a missing id is the user's to fix."""
    found = session.get(Evidence, evidence_id)
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
