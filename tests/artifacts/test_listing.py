"""Listing through SQLAlchemy Core gives what reading through the ORM gives, for every kind of
artifact and every status, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from needle.artifacts import store
from needle.artifacts.kinds import KINDS
from needle.artifacts.listing import listing, summary
from needle.store import Store

# A value of each JSON type, nested ones and text a terminal would act on included.
VALUES: tuple[Any, ...] = (None, "text “quoted” \u202e", 3, 2.5, True, ["a", 1],
                           {"nested": {"share": 0.25, "list": [None]}})
LOCKED = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _fill(where: Store) -> None:
    """Two artifacts of every kind, kinds interleaved; the second is in the kind's last status,
    locked, and has its fields filled differently."""
    with where.session() as session:
        for second in (False, True):
            for kind, spec in KINDS.items():
                fields = {name: VALUES[(i + second) % len(VALUES)]
                          for i, name in enumerate(spec.fields)}
                made = store.create(session, kind, f"{kind} {int(second)}: ünï", "ada", fields,
                                    status=spec.statuses[-1] if second else None)
                if second:
                    made.locked_at = LOCKED


def _through_the_orm(where: Store, kind: str, status: str | None) -> list[dict[str, Any]]:
    with where.session() as session:
        return [summary(a) | {"fields": a.fields} for a in store.list_all(session, kind, status)]


def test_core_listing_equals_the_orm_for_every_kind_and_status(store_url: str) -> None:
    where = Store(store_url)
    try:
        _fill(where)
        for kind, spec in KINDS.items():
            for status in (None, *spec.statuses):
                assert listing(where.engine, kind, status) == _through_the_orm(
                    where, kind, status), (kind, status)
            first, second = listing(where.engine, kind)
            assert (first["locked_at"], second["locked_at"]) == (None, LOCKED.isoformat())
            assert second["fields"] == {name: VALUES[(i + 1) % len(VALUES)]
                                        for i, name in enumerate(spec.fields)}
            assert first["id"] < second["id"] and second["status"] == spec.statuses[-1]
    finally:
        where.close()

