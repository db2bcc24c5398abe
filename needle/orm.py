"""The declarative base of every mapped class, on the store's metadata.

Kept apart from :mod:`needle.store` so that opening a store, and reading it through SQLAlchemy
Core, does not import the ORM; ``needle.store.Base`` still names this class.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from needle.store import METADATA


class Base(DeclarativeBase):
    """Declarative base of every stored artifact."""

    metadata = METADATA
