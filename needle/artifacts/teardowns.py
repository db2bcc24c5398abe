"""Competitive teardowns: what a competitor shipped, why, and what we would do differently."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.models import Artifact
from needle.errors import UserError


def create(session: Session, title: str, who: str, fields: Mapping[str, Any]) -> Artifact:
    """A teardown names the competitor it studies; its sources are a list (URLs or notes)."""
    competitor = (fields.get("competitor") or "").strip()
    if not competitor:
        raise UserError("a teardown needs the competitor who shipped it", field="competitor")
    values = {**fields, "competitor": competitor, "sources": list(fields.get("sources") or [])}
    return store.create(session, "teardown", title, who, values)
