"""Feature flags in the artifacts store: create (or redefine), list, read, archive.

An archived flag is no longer served (the SDKs get no answer for it, as from PostHog for a
deleted flag) and keeps its key, so redefining it is a deliberate act. Every change bumps the
flag's ``version``, which the SDKs receive in the flag's metadata.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from needle.capture.flags import Condition, Flag, FlagSpec, Variant, validate
from needle.errors import UserError
from needle.store import Base, Store


class FlagRow(Base):
    __tablename__ = "feature_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rollout: Mapped[float] = mapped_column(Float)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def create_flag(store: Store, author: str, spec: FlagSpec, replace: bool = False) -> Flag:
    """Store ``spec``; an existing key (archived or not) is redefined only with ``replace``, and
    a redefined flag is served again."""
    validate(spec)
    now = datetime.now(UTC)
    with store.session() as session:
        row = session.scalar(select(FlagRow).where(FlagRow.key == spec.key))
        if row is not None and not replace:
            state = "exists" if row.archived_at is None else "exists (archived)"
            raise UserError(f"flag {spec.key!r} {state}; replace it to redefine it",
                            field="replace", value=spec.key)
        if row is None:
            row = FlagRow(key=spec.key, version=0, author=author, created_at=now)
            session.add(row)
        row.variants = [{"key": v.key, "percent": v.percent} for v in spec.variants]
        row.rollout = spec.rollout
        row.conditions = [c.to_json() for c in spec.conditions]
        row.version, row.updated_at, row.archived_at = row.version + 1, now, None
        session.flush()
        return _flag(row)


def list_flags(store: Store, active_only: bool = False) -> list[Flag]:
    """Every flag, active ones first, each group by key."""
    query = select(FlagRow).order_by(FlagRow.archived_at.is_not(None), FlagRow.key)
    if active_only:
        query = query.where(FlagRow.archived_at.is_(None))
    with store.session() as session:
        return [_flag(row) for row in session.scalars(query)]


def get_flag(store: Store, key: str) -> Flag:
    with store.session() as session:
        return _flag(_row(session.scalar(select(FlagRow).where(FlagRow.key == key)), key))


def archive_flag(store: Store, key: str) -> Flag:
    """Stop serving the flag (idempotent); its definition stays for the record."""
    with store.session() as session:
        row = _row(session.scalar(select(FlagRow).where(FlagRow.key == key)), key)
        if row.archived_at is None:
            now = datetime.now(UTC)
            row.archived_at, row.updated_at, row.version = now, now, row.version + 1
        return _flag(row)


def _row(row: FlagRow | None, key: str) -> FlagRow:
    if row is None:
        raise UserError(f"no flag with key {key!r}", field="flag", value=key, hint="flag-list")
    return row


def _flag(row: FlagRow) -> Flag:
    spec = FlagSpec(row.key, tuple(Variant(v["key"], v["percent"]) for v in row.variants),
                    row.rollout, tuple(Condition(c["property"], c["operator"], c["value"])
                                       for c in row.conditions))
    return Flag(spec, row.id, row.version, row.author, _utc(row.created_at),
                _utc(row.updated_at), _utc(row.archived_at) if row.archived_at else None)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
