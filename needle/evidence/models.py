"""Stored customer evidence: one row per piece a customer gave (a row, a note), as a mapped
class over the table of :mod:`needle.evidence.tables`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped

from needle.evidence.tables import EVIDENCE
from needle.store import Base

KINDS = ("ticket", "interview", "survey", "review", "quote", "note")


class Evidence(Base):
    __table__ = EVIDENCE

    id: Mapped[int]
    kind: Mapped[str]
    text: Mapped[str]
    customer: Mapped[str | None]
    created_at: Mapped[datetime | None]
    source: Mapped[str]
    source_id: Mapped[str | None]
    content_hash: Mapped[str]
    meta: Mapped[dict[str, Any]]
    imported_at: Mapped[datetime]
