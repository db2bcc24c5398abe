"""Stored themes, which theme each piece of evidence belongs to, and the edits people made, as
mapped classes over the tables of :mod:`needle.themes.tables`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped

from needle.store import Base
from needle.themes.tables import THEME_ASSIGNMENTS, THEME_EDITS, THEME_TOPICS, THEMES

ORIGINS = ("auto", "merge", "split")


class ThemeTopic(Base):
    """A topic: related themes under one name, so a person first reads a handful of things."""

    __table__ = THEME_TOPICS

    id: Mapped[int]
    label: Mapped[str]
    keywords: Mapped[list[str]]
    created_at: Mapped[datetime]


class Theme(Base):
    """A theme; ``origin`` says whether the clustering or a person's merge/split made it."""

    __table__ = THEMES

    id: Mapped[int]
    label: Mapped[str]
    renamed: Mapped[str | None]
    origin: Mapped[str]
    parent_id: Mapped[int | None]
    active: Mapped[bool]
    keywords: Mapped[list[str]]
    quotes: Mapped[list[int]]
    centroid: Mapped[bytes]
    topic_id: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def title(self) -> str:
        """The label a person gave, else the one derived from the texts."""
        return self.renamed or self.label


class ThemeAssignment(Base):
    """Where one piece of evidence sits; ``theme_id`` None means unthemed."""

    __table__ = THEME_ASSIGNMENTS

    evidence_id: Mapped[int]
    theme_id: Mapped[int | None]
    similarity: Mapped[float]
    method: Mapped[str]
    assigned_at: Mapped[datetime]


class ThemeEdit(Base):
    """An audit entry for a person's merge, split or rename."""

    __table__ = THEME_EDITS

    id: Mapped[int]
    kind: Mapped[str]
    theme_id: Mapped[int]
    detail: Mapped[dict[str, Any]]
    note: Mapped[str | None]
    author: Mapped[str]
    created_at: Mapped[datetime]
