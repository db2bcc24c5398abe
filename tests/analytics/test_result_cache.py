"""A server's shared result cache: the same answers as the engine, and never stale after a write."""

from __future__ import annotations

from pathlib import Path

from needle.analytics.cache import ResultCache
from needle.analytics.specs import SqlQuery
from needle.workspace import Workspace
from tests.analytics.conftest import at, table


def _import(workspace: Workspace, rows: list[tuple], start: int) -> None:
    events = table(rows)
    uuids = [f"w{start + i:06d}" for i in range(len(rows))]
    workspace.lake.append(events.set_column(0, "uuid", [uuids]))


COUNT = SqlQuery("SELECT count(*) AS n FROM events WHERE event = 'open'")


def _count(workspace: Workspace) -> int:
    return workspace.query(COUNT).rows[0][0]  # type: ignore[attr-defined]


def test_answers_equal_the_engine_and_repeat_from_the_cache(workspace: Workspace) -> None:
    _import(workspace, [("u1", "open", at(10)), ("u2", "open", at(20))], 0)
    cache = ResultCache()
    with Workspace.open(workspace.root, results=cache) as cached:
        first = cached.query(COUNT)
    with Workspace.open(workspace.root, results=cache) as cached:
        again = cached.query(COUNT)
    plain = workspace.query(COUNT)
    assert first == again == plain
    assert cache.hits >= 1


def test_an_import_makes_every_cached_answer_stale(workspace: Workspace) -> None:
    cache = ResultCache()
    _import(workspace, [("u1", "open", at(10))], 0)
    with Workspace.open(workspace.root, results=cache) as cached:
        assert _count(cached) == 1
        _import(workspace, [("u2", "open", at(30)), ("u3", "open", at(40))], 100)
        assert _count(cached) == 3  # the same opening sees the new files


def test_settings_are_part_of_the_key(tmp_path: Path) -> None:
    root = Workspace.init(tmp_path / "ws").root
    cache = ResultCache()
    with Workspace.open(root, results=cache) as plain:
        _import(plain, [("u1", "open", at(10))], 0)
        plain.query(COUNT)
    with Workspace.open(root, {"threads": 1}, results=cache) as other:
        other.query(COUNT)
    assert cache.hits == 0 and len(cache) >= 2


def test_the_oldest_answers_age_out() -> None:
    cache = ResultCache(size=2)
    for key in "abc":
        cache.get(key, lambda key=key: key.upper())
    assert len(cache) == 2
    assert cache.get("a", lambda: "again") == "again"  # "a" was the least recently used
