"""Stored artifacts of the decision loop, their links to data, and their audit trail, as mapped
classes over the tables of :mod:`needle.artifacts.tables`.

Every kind shares one table, so that new, edit, show, list, export and the audit trail work the
same way for all of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped, relationship

from needle.artifacts.tables import ARTIFACT_AUDIT, ARTIFACT_LINKS, ARTIFACTS
from needle.store import Base


class Artifact(Base):
    __table__ = ARTIFACTS

    id: Mapped[int]
    kind: Mapped[str]
    title: Mapped[str]
    status: Mapped[str]
    author: Mapped[str]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    locked_at: Mapped[datetime | None]
    fields: Mapped[dict[str, Any]]
    links: Mapped[list[ArtifactLink]] = relationship(
        back_populates="artifact", cascade="all, delete-orphan", order_by="ArtifactLink.id"
    )


class ArtifactLink(Base):
    """A pointer from an artifact to the data behind it: (kind, reference)."""

    __table__ = ARTIFACT_LINKS

    id: Mapped[int]
    artifact_id: Mapped[int]
    kind: Mapped[str]
    reference: Mapped[str]
    added_at: Mapped[datetime]
    added_by: Mapped[str]
    artifact: Mapped[Artifact] = relationship(back_populates="links")

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"


class AuditEntry(Base):
    """Who changed what, when; ``artifact_id`` is empty for workspace-wide events."""

    __table__ = ARTIFACT_AUDIT

    id: Mapped[int]
    artifact_id: Mapped[int | None]
    at: Mapped[datetime]
    who: Mapped[str]
    action: Mapped[str]
    changes: Mapped[dict[str, Any]]
