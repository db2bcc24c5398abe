"""Stored themes, which theme each piece of evidence belongs to, and the edits people made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from needle.store import Base

ORIGINS = ("auto", "merge", "split")


class ThemeTopic(Base):
    """A topic: related themes under one name, so a person first reads a handful of things."""

    __tablename__ = "theme_topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Theme(Base):
    """A theme; ``origin`` says whether the clustering or a person's merge/split made it."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    renamed: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(8), default="auto")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[int]] = mapped_column(JSON, default=list)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    topic_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def title(self) -> str:
        """The label a person gave, else the one derived from the texts."""
        return self.renamed or self.label


class ThemeAssignment(Base):
    """Where one piece of evidence sits; ``theme_id`` None means unthemed."""

    __tablename__ = "theme_assignments"

    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ThemeEdit(Base):
    """An audit entry for a person's merge, split or rename."""

    __tablename__ = "theme_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
