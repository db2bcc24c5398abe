"""The artifacts store: a SQLAlchemy engine on SQLite (default) or PostgreSQL, kept at the newest
schema by Alembic.

Every feature owns its tables and its migration branch (``needle/migrations/versions``); opening a
store upgrades it to all heads, so a workspace made by an older Needle is brought up to date.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class Base(DeclarativeBase):
    """Declarative base of every stored artifact."""


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys switched on."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def is_current(engine: Engine) -> bool:
    """True when the schema is at every head of the migration tree."""
    heads = set(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Migrate the store to ``target`` (all heads by default)."""
    command.upgrade(_alembic_config(engine), target)


class Store:
    """A migrated engine plus a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = connect(url)
        if not is_current(self.engine):
            upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
