"""The tables declared in code (SQLAlchemy Core, which the ORM maps and the listings read) are
the tables the migrations make, column for column, on SQLite and on PostgreSQL: Alembic's own
comparison of the two finds nothing to change."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import needle
from needle.store import METADATA, Store


def _declare_every_table() -> None:
    for module in pkgutil.walk_packages(needle.__path__, "needle."):
        if module.name.endswith((".models", ".tables")):
            importlib.import_module(module.name)


def test_declared_tables_equal_the_migrated_schema(store_url: str) -> None:
    _declare_every_table()
    where = Store(store_url)
    try:
        with where.engine.connect() as conn:
            found = compare_metadata(MigrationContext.configure(conn), METADATA)
    finally:
        where.close()
    # Tables the code does not declare (full-text search, flags kept in plain SQL) and
    # PostgreSQL's full-text index are the migrations' own; everything declared must match.
    changes = [c for c in found if not (c[0] == "remove_table" or (
        c[0] == "remove_index" and c[1].name == "evidence_text_search"))]
    assert changes == []
    assert {"artifacts", "evidence", "themes", "theme_assignments"} <= set(METADATA.tables)
