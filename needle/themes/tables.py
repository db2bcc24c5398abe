"""The themes tables, declared once in SQLAlchemy Core: :mod:`needle.themes.models` maps its
classes onto them, and :mod:`needle.themes.view` reads them without loading the ORM."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from needle.store import METADATA

THEME_TOPICS = Table(
    "theme_topics", METADATA,
    Column("id", Integer, primary_key=True),
    Column("label", String(200), nullable=False),
    Column("keywords", JSON, nullable=False, default=list),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

THEMES = Table(
    "themes", METADATA,
    Column("id", Integer, primary_key=True),
    Column("label", String(200), nullable=False),
    Column("renamed", String(200)),
    Column("origin", String(8), nullable=False, default="auto"),
    Column("parent_id", ForeignKey("themes.id")),
    Column("active", Boolean, nullable=False, default=True, index=True),
    Column("keywords", JSON, nullable=False, default=list),
    Column("quotes", JSON, nullable=False, default=list),
    Column("centroid", LargeBinary, nullable=False),
    Column("topic_id", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

THEME_ASSIGNMENTS = Table(
    "theme_assignments", METADATA,
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), index=True),
    Column("similarity", Float, nullable=False),
    Column("method", String(16), nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
)

THEME_EDITS = Table(
    "theme_edits", METADATA,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("theme_id", ForeignKey("themes.id"), nullable=False),
    Column("detail", JSON, nullable=False, default=dict),
    Column("note", Text),
    Column("author", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
