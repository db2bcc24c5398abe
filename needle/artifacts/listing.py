"""Artifacts as listed: every face's list of a kind (``KIND list --json``, the web's lists) and
the header every artifact's JSON starts with.

Read through SQLAlchemy Core on the tables the ORM maps, so that listing does not load the ORM
(its import and mapper set-up take a twentieth of a second or more of each listing command); a
test checks it equals reading through the ORM, for every kind, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine, select

from needle.artifacts.kinds import KINDS
from needle.artifacts.tables import ARTIFACTS
from needle.errors import UserError


class Header(Protocol):
    """What a listing shows of an artifact: a mapped ``Artifact`` or a row of its table."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def locked_at(self) -> datetime | None: ...


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def summary(artifact: Header) -> dict[str, Any]:
    return {
        "id": artifact.id, "kind": artifact.kind, "title": artifact.title,
        "status": artifact.status, "author": artifact.author,
        "created_at": as_utc(artifact.created_at).isoformat(),
        "updated_at": as_utc(artifact.updated_at).isoformat(),
        "locked_at": as_utc(artifact.locked_at).isoformat() if artifact.locked_at else None,
    }


def listing(engine: Engine, kind: str, status: str | None = None) -> list[dict[str, Any]]:
    """Every artifact of ``kind`` (of ``status``), oldest first, with its fields."""
    statuses = KINDS[kind].statuses
    if status and status not in statuses:
        raise UserError(f"{kind} status {status!r}: use one of {', '.join(statuses)}",
                        field="status", value=status)
    query = select(ARTIFACTS).where(ARTIFACTS.c.kind == kind).order_by(ARTIFACTS.c.id)
    if status:
        query = query.where(ARTIFACTS.c.status == status)
    with engine.connect() as conn:
        return [summary(row) | {"fields": row.fields} for row in conn.execute(query)]
