"""The artifacts store: a SQLAlchemy engine on SQLite (default) or PostgreSQL, kept at the newest
schema by Alembic.

Every feature owns its tables and its migration branch (``needle/migrations/versions``); opening a
store upgrades it to all heads, so a workspace made by an older Needle is brought up to date.
Opening a store that is already current does not import Alembic: the revisions stamped in the
database are compared with the heads the revision files declare, and Alembic runs only when they
differ. Nor does it import the ORM, which loads with the first session or mapped class
(:mod:`needle.orm`): a command that reads through SQLAlchemy Core saves its start-up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import BigInteger, Engine, MetaData, create_engine, event, inspect, text

from needle import lazy

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import ColumnElement, Dialect
    from sqlalchemy.orm import Session, sessionmaker

    from needle.orm import Base as Base  # resolved at run time by __getattr__

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps
METADATA = MetaData()  # every stored table, mapped (needle.orm.Base) or Core alone

__getattr__ = lazy.exports(__name__, {"Base": "needle.orm"})

Row = TypeVar("Row")


def holds(column: ColumnElement[int], dialect: Dialect, value: int) -> bool:
    """Whether an integer column can hold ``value``: the drivers raise on one it cannot rather
    than find nothing. SQLite's INTEGER is 64-bit; PostgreSQL's INTEGER 32-bit, BIGINT 64."""
    bits = 64 if dialect.name == "sqlite" or isinstance(column.type, BigInteger) else 32
    return -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)


def find(session: Session, model: type[Row], row_id: int) -> Row | None:
    """``session.get``, except that an id the store cannot hold is simply not found."""
    column = inspect(model).primary_key[0]
    return session.get(model, row_id) if holds(column, session.get_bind().dialect,
                                                row_id) else None


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

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


@cache
def code_heads() -> frozenset[str]:
    """The heads of the migration tree: revisions no other revision names as its parent.

    Read from the ``revision`` and ``down_revision`` literals of each revision file rather than
    through Alembic's ScriptDirectory, which imports Alembic and every revision module (a few
    tenths of a second on each command); a test checks both give the same heads."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = _literals(path, ("revision", "down_revision"))
        if "revision" in found:
            revisions.add(found["revision"])
            down = found.get("down_revision")
            parents.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - parents)


def _literals(path: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of the module-level assignments ``name = <literal>`` in a Python file."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            found[target.id] = ast.literal_eval(value)
    return found


def stored_heads(engine: Engine) -> frozenset[str]:
    """The revisions stamped in the database (none for a database never migrated)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return frozenset()
        return frozenset(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


def is_current(engine: Engine) -> bool:
    """True when the schema is at every head of the migration tree, as Alembic sees it."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Migrate the store to ``target`` (all heads by default)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), target)


class Store:
    """A migrated engine plus a session factory (made, and the ORM loaded, on first use)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = connect(url)
        if stored_heads(self.engine) != code_heads():
            upgrade(self.engine)

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
