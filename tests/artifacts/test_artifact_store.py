"""The artifact store's rules, on SQLite and on PostgreSQL: refusals leave nothing behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from needle.artifacts import goals, problems, proposals, store
from needle.artifacts.links import Link
from needle.artifacts.models import Artifact, AuditEntry
from needle.errors import UserError
from needle.evidence.models import Evidence
from needle.themes.models import Theme, ThemeAssignment
from tests.artifacts.tinyproduct import METRIC


def _evidence_ids(ws) -> list[int]:  # type: ignore[no-untyped-def]
    with ws.store.session() as session:
        return list(session.scalars(select(Evidence.id).order_by(Evidence.id)))


def _problem(ws, evidence: list[int]) -> int:  # type: ignore[no-untyped-def]
    with ws.store.session() as session:
        made = store.create(session, "problem", "Onboarding stalls", "ada",
                            {"statement": "New users stall in onboarding."},
                            [Link("evidence", str(i)) for i in evidence])
        return made.id


def _count(ws, model) -> int:  # type: ignore[no-untyped-def]
    with ws.store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_fields_links_and_audit_round_trip(ws) -> None:
    ids = _evidence_ids(ws)
    pid = _problem(ws, ids[:3])
    with ws.store.session() as session:
        problem = store.get(session, "problem", pid)
        store.update(session, problem, {"affected": "teams of 5+", "status": "open"}, "bo")
    with ws.store.session() as session:
        problem = store.get(session, "problem", pid)
        assert problem.fields["affected"] == "teams of 5+" and problem.status == "open"
        assert [str(link) for link in store.links_of(problem)] == [f"evidence:{i}"
                                                                   for i in ids[:3]]
        trail = store.history(session, problem)
    assert [(e.who, e.action) for e in trail] == [("ada", "create"), ("ada", "link"),
                                                  ("bo", "edit")]
    assert trail[-1].changes["affected"] == {"from": None, "to": "teams of 5+"}


def test_problem_with_two_pieces_cannot_leave_draft(ws) -> None:
    pid = _problem(ws, _evidence_ids(ws)[:2])
    audit_before = _count(ws, AuditEntry)
    with pytest.raises(UserError, match="has 2 pieces of evidence; link at least 3"), \
            ws.store.session() as session:
        problem = store.get(session, "problem", pid)
        problems.check_status(session, problem, "open")
    with ws.store.session() as session:
        assert store.get(session, "problem", pid).status == "draft"
    assert _count(ws, AuditEntry) == audit_before


def test_unknown_evidence_id_creates_nothing(ws) -> None:
    with pytest.raises(UserError, match=r"^unknown evidence id 9999$"):
        _problem(ws, [*_evidence_ids(ws)[:2], 9999])
    assert _count(ws, Artifact) == 0 and _count(ws, AuditEntry) == 0


def test_goal_without_a_date_is_refused_naming_it(ws) -> None:
    with pytest.raises(UserError, match=r"a goal needs a date \(YYYY-MM-DD\)"), \
            ws.store.session() as session:
        goals.create(session, ws.engine, "Faster onboarding", "ada",
                     {"metric": METRIC, "target": 0.7, "due": None})
    assert _count(ws, Artifact) == 0


def test_approval_locks_the_metric_and_amendments_are_kept(ws) -> None:
    pid = _problem(ws, _evidence_ids(ws)[:3])
    with ws.store.session() as session:
        made = proposals.create(session, ws.engine, "Guided onboarding", "ada",
                                {"problem": pid, "metric": METRIC, "target": 0.6,
                                 "decision_rule": "ship if +5 pts"})
        proposals.respond(session, made, "approved", "Cleo", "clear problem", "ada")
        prop_id = made.id
    with pytest.raises(UserError, match=r"locked since .*: target cannot change"), \
            ws.store.session() as session:
        store.update(session, store.get(session, "proposal", prop_id), {"target": 0.9}, "ada")
    with ws.store.session() as session:
        locked = store.get(session, "proposal", prop_id)
        assert locked.fields["target"] == 0.6 and locked.locked_at is not None
        proposals.amend(session, ws.engine, locked, "target", "0.62", "finance ask", "ada")
    with ws.store.session() as session:
        amended = store.get(session, "proposal", prop_id)
        assert amended.fields["target"] == 0.62
        assert amended.fields["amendments"][0] | {"at": None} == {
            "field": "target", "from": 0.6, "to": 0.62, "reason": "finance ask", "by": "ada",
            "at": None}
        assert amended.fields["response"]["by"] == "Cleo"
        assert [e.action for e in store.history(session, amended)][-2:] == ["respond", "amend"]


def test_a_linked_theme_brings_its_evidence(ws) -> None:
    ids = _evidence_ids(ws)
    with ws.store.session() as session:
        moment = store.now()
        theme = Theme(label="onboarding", keywords=[], quotes=[], centroid=b"",
                      created_at=moment, updated_at=moment)
        session.add(theme)
        session.flush()
        session.add_all(ThemeAssignment(evidence_id=i, theme_id=theme.id, similarity=0.9,
                                        method="test", assigned_at=moment) for i in ids[1:4])
        problem = store.create(session, "problem", "Onboarding", "ada", {},
                               [Link("evidence", str(ids[0])), Link("evidence", str(ids[1])),
                                Link("theme", str(theme.id))])
        assert problems.evidence_count(session, problem) == 4
        assert problems.reach(session, [], problem).customers == 4
        problems.check_status(session, problem, "open")
        with pytest.raises(UserError, match="unknown theme id 999"):
            store.add_links(session, problem, [Link("theme", "999")], "ada")
