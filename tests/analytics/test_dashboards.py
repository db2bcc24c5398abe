"""Dashboards of saved insights, on SQLite and on PostgreSQL: create, add, move, remove, run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from needle.analytics import dashboards as boards
from needle.analytics.duckdb import DuckDBEngine
from needle.analytics.insights import save_insight
from needle.analytics.specs import FunnelQuery, Series, Step, TrendQuery
from needle.errors import UserError
from needle.events.lake import EventLake
from needle.store import Store, connect, upgrade
from tests.analytics.conftest import table
from tests.artifacts.conftest import postgres_database, postgres_server  # noqa: F401

FUNNEL = FunnelQuery(steps=(Step("visit"), Step("signup")))
TREND = TrendQuery(series=(Series(Step("visit")),))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_database"))
    made = Store(url)
    for name, query in (("visits", TREND), ("signups", FUNNEL), ("third", TREND)):
        save_insight(made, name, query, "ada")
    yield made
    made.close()


def names(view: boards.DashboardView) -> list[str]:
    return [i.name for i in view.insights]


def test_create_add_move_remove(store: Store) -> None:
    made = boards.create_dashboard(store, "  Weekly  ", "ada", "for Monday")
    assert (made.name, made.description, made.author, names(made)) == (
        "Weekly", "for Monday", "ada", [])
    for insight in ("visits", "signups", "third"):
        boards.add_insight(store, made.id, insight)
    assert names(boards.get_dashboard(store, made.id)) == ["visits", "signups", "third"]
    assert names(boards.move_insight(store, made.id, "third", 1)) == ["third", "visits",
                                                                      "signups"]
    assert names(boards.move_insight(store, made.id, "third", 99)) == ["visits", "signups",
                                                                       "third"]
    assert names(boards.move_insight(store, made.id, "visits", 2)) == ["signups", "visits",
                                                                       "third"]
    assert names(boards.remove_insight(store, made.id, "visits")) == ["signups", "third"]
    listed = boards.get_dashboard(store, made.id).to_json()["insights"]
    assert [(i["position"], i["name"], i["kind"]) for i in listed] == [
        (1, "signups", "funnel"), (2, "third", "trend")]


def test_listed_by_name_and_deleted(store: Store) -> None:
    second = boards.create_dashboard(store, "b", "ada")
    first = boards.create_dashboard(store, "a", "ada")
    boards.add_insight(store, first.id, "visits")
    assert [d.name for d in boards.list_dashboards(store)] == ["a", "b"]
    boards.delete_dashboard(store, first.id)
    assert [d.id for d in boards.list_dashboards(store)] == [second.id]


@pytest.mark.parametrize(("action", "message", "field"), [
    (lambda s, d: boards.create_dashboard(s, "Weekly", "ada"), "dashboard 'Weekly' exists",
     "name"),
    (lambda s, d: boards.create_dashboard(s, " ", "ada"), "a dashboard needs a name", "name"),
    (lambda s, d: boards.add_insight(s, d, "nope"), "no insight named 'nope'", "insight"),
    (lambda s, d: boards.add_insight(s, d, "visits"), "insight 'visits' is already on "
     "dashboard 'Weekly'", "insight"),
    (lambda s, d: boards.remove_insight(s, d, "signups"), "insight 'signups' is not on "
     "dashboard 'Weekly'", "insight"),
    (lambda s, d: boards.move_insight(s, d + 100, "visits", 1), "no dashboard with id",
     "dashboard"),
])
def test_refusals_say_what_is_wrong_and_change_nothing(store: Store, action, message: str,
                                                       field: str) -> None:
    made = boards.create_dashboard(store, "Weekly", "ada")
    boards.add_insight(store, made.id, "visits")
    with pytest.raises(UserError, match=message) as raised:
        action(store, made.id)
    assert raised.value.field == field
    assert [(d.name, names(d)) for d in boards.list_dashboards(store)] == [
        ("Weekly", ["visits"])]


def test_run_gives_each_insight_its_result(store: Store, tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    lake.append(table([("u1", "visit", "2024-01-01T10:00:00+00:00"),
                       ("u1", "signup", "2024-01-01T11:00:00+00:00"),
                       ("u2", "visit", "2024-01-02T10:00:00+00:00")]))
    made = boards.create_dashboard(store, "Weekly", "ada")
    boards.add_insight(store, made.id, "signups")
    boards.add_insight(store, made.id, "visits")
    engine = DuckDBEngine(lake.files())
    try:
        shown = boards.run_dashboard(store, engine, made.id).to_json()
    finally:
        engine.close()
    funnel, trend = shown["insights"]
    assert [s["users"] for s in funnel["result"]["steps"]] == [2, 1]
    assert funnel["query"]["steps"][0]["event"] == "visit" and funnel["error"] is None
    assert sum(p["value"] for p in trend["result"]["series"][0]["points"]) == 2


def test_a_store_without_dashboards_is_upgraded(tmp_path: Path) -> None:
    old = connect(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old, "0300")
    assert "dashboards" not in inspect(old).get_table_names()
    old.dispose()
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        assert {"dashboards", "dashboard_items"} <= set(inspect(store.engine).get_table_names())
    finally:
        store.close()
