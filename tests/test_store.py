"""Opening a store brings it to every head of the migration tree, and reads the heads without
Alembic only when nothing is to be done."""

from __future__ import annotations

import pytest
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from needle.store import MIGRATIONS, Store, code_heads, connect, stored_heads, upgrade


def _alembic_heads() -> set[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(cfg).get_heads())


def test_heads_read_from_the_files_are_alembics() -> None:
    assert set(code_heads()) == _alembic_heads()


# A database at every older place: empty, the foundation only, one branch at an older revision.
@pytest.mark.parametrize("target", [None, "0001", "0400"])
def test_an_older_store_is_upgraded_when_opened(tmp_path, target: str | None) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = connect(url)
    if target is not None:
        upgrade(old, target)
    assert stored_heads(old) == ({target} if target else set())
    old.dispose()

    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert set(MigrationContext.configure(conn).get_current_heads()) == _alembic_heads()
        assert {"artifacts", "experiments", "evidence"} <= set(
            inspect(store.engine).get_table_names())
    finally:
        store.close()


def test_a_current_store_is_left_as_it_is(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    Store(url).close()
    before = (tmp_path / "new.db").stat().st_mtime_ns
    store = Store(url)
    store.close()
    assert stored_heads(store.engine) == code_heads()
    assert (tmp_path / "new.db").stat().st_mtime_ns == before
