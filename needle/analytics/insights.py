"""Saved insights: a named query spec in the workspace store, so other artifacts (proposals,
goals, dashboards) can name a metric and re-run it later."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from needle.analytics.codec import decode, encode, kind_of
from needle.analytics.kinds import validate_query
from needle.analytics.specs import Query
from needle.errors import UserError
from needle.store import Base, Store


class Insight(Base):
    __tablename__ = "insights"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    @property
    def query(self) -> Query:
        return decode(self.kind, self.spec)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "query": self.spec,
        }


def save_insight(
    store: Store, name: str, query: Query, author: str, description: str = "",
    replace: bool = False,
) -> Insight:
    """Store ``query`` under ``name``; an existing name needs ``replace=True``."""
    name = name.strip()
    if not name:
        raise UserError("an insight needs a name", field="name")
    validate_query(query)
    now = datetime.now(UTC)
    with store.session() as session:
        insight = session.scalar(select(Insight).where(Insight.name == name))
        if insight is not None and not replace:
            raise UserError(f"insight {name!r} exists; replace it to overwrite it",
                            field="replace", value=name)
        if insight is None:
            insight = Insight(name=name, created_at=now, author=author)
            session.add(insight)
        insight.kind, insight.spec = kind_of(query), encode(query)
        insight.description, insight.updated_at = description, now
    return insight


def list_insights(store: Store) -> list[Insight]:
    with store.session() as session:
        return list(session.scalars(select(Insight).order_by(Insight.name)))


def get_insight(store: Store, name: str) -> Insight:
    with store.session() as session:
        insight = session.scalar(select(Insight).where(Insight.name == name))
    if insight is None:
        raise UserError(f"no insight named {name!r}", field="insight", value=name,
                        hint="insight-list")
    return insight
