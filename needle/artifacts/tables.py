"""The artifact tables, declared once in SQLAlchemy Core: :mod:`needle.artifacts.models` maps
its classes onto them, and :mod:`needle.artifacts.listing` reads them without loading the ORM.

Every kind (problem, bet, proposal, ...) shares one table: the fields that differ between kinds
live in ``fields`` (JSON) and are declared in :mod:`needle.artifacts.kinds`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from needle.store import METADATA

ARTIFACTS = Table(
    "artifacts", METADATA,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("title", String(500), nullable=False),
    Column("status", String(16), nullable=False),
    Column("author", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("locked_at", DateTime(timezone=True)),
    Column("fields", JSON, nullable=False, default=dict),
)

ARTIFACT_LINKS = Table(
    "artifact_links", METADATA,
    Column("id", Integer, primary_key=True),
    Column("artifact_id", ForeignKey("artifacts.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("kind", String(16), nullable=False),
    Column("reference", String(2000), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(255), nullable=False),
    UniqueConstraint("artifact_id", "kind", "reference"),
)

ARTIFACT_AUDIT = Table(
    "artifact_audit", METADATA,
    Column("id", Integer, primary_key=True),
    Column("artifact_id", ForeignKey("artifacts.id", ondelete="CASCADE"), index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(255), nullable=False),
    Column("action", String(32), nullable=False),
    Column("changes", JSON, nullable=False, default=dict),
)
