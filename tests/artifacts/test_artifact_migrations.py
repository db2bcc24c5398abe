"""A store made by an older Needle (foundation schema only) is upgraded when opened."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from needle.artifacts import store
from needle.artifacts.links import Link
from needle.evidence.store import EvidenceRecord, add_evidence
from needle.store import connect, is_current, upgrade
from needle.workspace import Workspace


def test_foundation_only_store_upgrades_on_open(tmp_path, store_url) -> None:
    old = connect(store_url)
    upgrade(old, "0001")
    assert "artifacts" not in inspect(old).get_table_names()
    with Session(old) as session, session.begin():
        add_evidence(session, [EvidenceRecord("ticket", "Export fails", "old.csv", "c1")])
    old.dispose()

    root = tmp_path / "old-ws"
    root.mkdir()
    (root / "needle.toml").write_text(f'[needle]\nstore_url = "{store_url}"\n', encoding="utf-8")
    workspace = Workspace.open(root)
    try:
        assert is_current(workspace.store.engine)
        assert {"artifacts", "artifact_links", "artifact_audit"} <= set(
            inspect(workspace.store.engine).get_table_names())
        with workspace.store.session() as session:
            problem = store.create(session, "problem", "Export", "ada", {},
                                   [Link("evidence", "1")])
            assert store.links_of(problem) == [Link("evidence", "1")]
    finally:
        workspace.close()
