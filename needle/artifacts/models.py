"""Stored artifacts of the decision loop, their links to data, and their audit trail.

Every kind (problem, bet, proposal, ...) shares one table: the fields that differ between kinds
live in ``fields`` (JSON) and are declared in :mod:`needle.artifacts.kinds`, so that new, edit,
show, list, export and the audit trail work the same way for all of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from needle.store import Base


class Artifact(Base):
    __tablename__ = "artifacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[list[ArtifactLink]] = relationship(
        back_populates="artifact", cascade="all, delete-orphan", order_by="ArtifactLink.id"
    )


class ArtifactLink(Base):
    """A pointer from an artifact to the data behind it: (kind, reference)."""

    __tablename__ = "artifact_links"
    __table_args__ = (UniqueConstraint("artifact_id", "kind", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    artifact_id: Mapped[int] = mapped_column(
        ForeignKey("artifacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(2000))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(255))
    artifact: Mapped[Artifact] = relationship(back_populates="links")

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"


class AuditEntry(Base):
    """Who changed what, when; ``artifact_id`` is empty for workspace-wide events."""

    __tablename__ = "artifact_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    artifact_id: Mapped[int | None] = mapped_column(
        ForeignKey("artifacts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
