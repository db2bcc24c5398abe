"""The evidence table, declared once in SQLAlchemy Core: :mod:`needle.evidence.models` maps its
class onto it, and readers that only read (the themes listing) use it without loading the ORM."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text

from needle.store import METADATA

EVIDENCE = Table(
    "evidence", METADATA,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("customer", String(255), index=True),
    Column("created_at", DateTime(timezone=True), index=True),
    Column("source", String(1024), nullable=False),
    Column("source_id", String(255)),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("meta", JSON, nullable=False, default=dict),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
